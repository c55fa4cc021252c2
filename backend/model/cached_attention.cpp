// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/cached_attention.h"

#include "model/inference_kernels.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace rlrf::model {

namespace {

#if defined(__GNUC__)
#define RLRF_INLINE inline __attribute__((always_inline))
#else
#define RLRF_INLINE inline
#endif

// Eight independent partial sums, so the compiler can keep them in one vector
// register without reordering a single sum.
RLRF_INLINE float dot(const float *a, const float *b, std::int64_t n)
{
    float partial[8] = {};
    std::int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; ++j)
            partial[j] += a[i + j] * b[i + j];
    float sum = 0.f;
    for (; i < n; ++i)
        sum += a[i] * b[i];
    for (int j = 0; j < 8; ++j)
        sum += partial[j];
    return sum;
}

RLRF_INLINE void axpy(float w, const float *x, float *y, std::int64_t n)
{
    for (std::int64_t i = 0; i < n; ++i)
        y[i] += w * x[i];
}

struct Operands {
    const float *q;       // [B,H,T,K] contiguous
    const float *k;       // [B,Hk,S,K] strided
    const float *v;       // [B,Hk,S,K] strided
    const bool *allowed;  // [B,T,S] contiguous
    float *out;           // [B,T,H*K] contiguous
    std::int64_t h, t, dim, s, groups;
    std::int64_t kStride0, kStride1, kStride2, vStride0, vStride1, vStride2;
    float scale;
};

// The (row, head) pairs [begin, end): one pass over their cached keys and values
// each. Written once and compiled twice, for any x86-64 and for AVX2 with FMA.
RLRF_INLINE void attend(const Operands &o, std::int64_t begin, std::int64_t end, float *weights)
{
    for (std::int64_t bh = begin; bh < end; ++bh) {
        const auto row = bh / o.h, head = bh % o.h, kvHead = head / o.groups;
        const float *keys = o.k + row * o.kStride0 + kvHead * o.kStride1;
        const float *values = o.v + row * o.vStride0 + kvHead * o.vStride1;
        for (std::int64_t query = 0; query < o.t; ++query) {
            const float *qv = o.q + ((row * o.h + head) * o.t + query) * o.dim;
            const bool *mask = o.allowed + (row * o.t + query) * o.s;
            float *dst = o.out + (row * o.t + query) * o.h * o.dim + head * o.dim;
            float top = -std::numeric_limits<float>::infinity();
            for (std::int64_t j = 0; j < o.s; ++j)
                if (mask[j]) {
                    weights[j] = dot(qv, keys + j * o.kStride2, o.dim) * o.scale;
                    top = std::max(top, weights[j]);
                }
            if (top == -std::numeric_limits<float>::infinity()) { // no allowed key
                for (std::int64_t j = 0; j < o.s; ++j)
                    axpy(1.f / static_cast<float>(o.s), values + j * o.vStride2, dst, o.dim);
                continue;
            }
            float total = 0.f;
            for (std::int64_t j = 0; j < o.s; ++j) {
                weights[j] = mask[j] ? std::exp(weights[j] - top) : 0.f;
                total += weights[j];
            }
            const float inverse = 1.f / total;
            for (std::int64_t j = 0; j < o.s; ++j)
                if (weights[j] != 0.f)
                    axpy(weights[j] * inverse, values + j * o.vStride2, dst, o.dim);
        }
    }
}

void attendPortable(const Operands &o, std::int64_t begin, std::int64_t end, float *weights)
{
    attend(o, begin, end, weights);
}

#if defined(__GNUC__) && defined(__x86_64__)
// Debian builds for any x86-64: the wide version is chosen when the processor runs
// it. A head of 32 or 64 floats is then 4 or 8 fused multiply-adds per key.
__attribute__((target("avx2,fma"))) void attendAvx2(const Operands &o, std::int64_t begin, std::int64_t end,
                                                    float *weights)
{
    attend(o, begin, end, weights);
}

using AttendFunction = void (*)(const Operands &, std::int64_t, std::int64_t, float *);

AttendFunction chooseAttend()
{
    __builtin_cpu_init();
    return (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? attendAvx2 : attendPortable;
}
#else
using AttendFunction = void (*)(const Operands &, std::int64_t, std::int64_t, float *);
AttendFunction chooseAttend() { return attendPortable; }
#endif

} // namespace

bool cachedAttentionApplies(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v)
{
    const bool gradWanted = torch::GradMode::is_enabled()
        && (q.requires_grad() || k.requires_grad() || v.requires_grad());
    return !gradWanted && !DifferentiableOpsOnly::active() && q.device().is_cpu() && q.scalar_type() == torch::kFloat32
        && k.scalar_type() == torch::kFloat32 && v.scalar_type() == torch::kFloat32 && q.dim() == 4
        && q.size(2) <= kCachedAttentionMaxQueries && k.stride(-1) == 1 && v.stride(-1) == 1;
}

torch::Tensor cachedAttention(const torch::Tensor &qIn, const torch::Tensor &k, const torch::Tensor &v,
                              const torch::Tensor &allowedIn, double scale)
{
    const auto q = qIn.contiguous();                 // [B,H,T,K]
    const auto allowed = allowedIn.to(torch::kBool).contiguous(); // [B,T,S]
    const auto b = q.size(0), h = q.size(1), t = q.size(2), dim = q.size(3);
    const auto hk = k.size(1), s = k.size(2);
    auto out = torch::zeros({b, t, h * dim}, q.options()); // [B,T,H*K]
    const Operands o{q.data_ptr<float>(), k.data_ptr<float>(), v.data_ptr<float>(), allowed.data_ptr<bool>(),
                     out.data_ptr<float>(), h, t, dim, s, h / hk,
                     k.stride(0), k.stride(1), k.stride(2), v.stride(0), v.stride(1), v.stride(2),
                     static_cast<float>(scale)};
    static const AttendFunction run = chooseAttend();
    // A grain that gives each thread several (row, head) pairs, not one each.
    const std::int64_t grain = std::max<std::int64_t>(1, 32768 / std::max<std::int64_t>(1, s * dim));
    at::parallel_for(0, b * h, grain, [&](std::int64_t begin, std::int64_t end) {
        std::vector<float> weights(static_cast<size_t>(s));
        run(o, begin, end, weights.data());
    });
    return out;
}

} // namespace rlrf::model
