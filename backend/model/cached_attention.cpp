// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/cached_attention.h"

#include "model/float_sums.h"
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

struct SharedOperands {
    const float *q;          // [B,H,1,K] contiguous
    const float *prefixK;    // [P,Hk,L,K] strided
    const float *prefixV;
    const float *ownK;       // [B,Hk,S-L,K] strided
    const float *ownV;
    const bool *allowed;     // [B,1,S] contiguous
    float *out;              // [B,1,H*K] contiguous
    const std::int64_t *groupStart; // rows of group g: [groupStart[g], groupStart[g+1])
    const std::int64_t *prefixOf;   // row -> prompt
    std::int64_t h, dim, s, prefixLength, groups;
    std::int64_t pkStride0, pkStride1, pkStride2, pvStride0, pvStride1, pvStride2;
    std::int64_t okStride0, okStride1, okStride2, ovStride0, ovStride1, ovStride2;
    float scale;
};

// The (group, head) pairs [begin, end) of a shared cache. Per row the operations
// and their order are those of attend(): scores over positions 0..S-1, the same
// softmax, values added in position order; only the loops over a group's rows sit
// inside the loops over the prompt's positions.
RLRF_INLINE void attendShared(const SharedOperands &o, std::int64_t begin, std::int64_t end, std::vector<float> &w)
{
    const auto own = o.s - o.prefixLength;
    for (std::int64_t gh = begin; gh < end; ++gh) {
        const auto group = gh / o.h, head = gh % o.h, kvHead = head / o.groups;
        const auto first = o.groupStart[group], rows = o.groupStart[group + 1] - first;
        const auto prompt = o.prefixOf[first];
        if (static_cast<std::int64_t>(w.size()) < rows * o.s)
            w.resize(static_cast<size_t>(rows * o.s));
        const float *pk = o.prefixK + prompt * o.pkStride0 + kvHead * o.pkStride1;
        const float *pv = o.prefixV + prompt * o.pvStride0 + kvHead * o.pvStride1;
        float tops[64];
        float *top = rows <= 64 ? tops : nullptr;
        std::vector<float> manyTops;
        if (!top) {
            manyTops.resize(static_cast<size_t>(rows));
            top = manyTops.data();
        }
        for (std::int64_t r = 0; r < rows; ++r)
            top[r] = -std::numeric_limits<float>::infinity();
        for (std::int64_t j = 0; j < o.prefixLength; ++j) {
            const float *key = pk + j * o.pkStride2;
            for (std::int64_t r = 0; r < rows; ++r) {
                const auto row = first + r;
                if (!o.allowed[row * o.s + j])
                    continue;
                float &score = w[static_cast<size_t>(r * o.s + j)];
                score = dot(o.q + (row * o.h + head) * o.dim, key, o.dim) * o.scale;
                top[r] = std::max(top[r], score);
            }
        }
        for (std::int64_t r = 0; r < rows; ++r) {
            const auto row = first + r;
            const float *ok = o.ownK + row * o.okStride0 + kvHead * o.okStride1;
            for (std::int64_t j = 0; j < own; ++j) {
                if (!o.allowed[row * o.s + o.prefixLength + j])
                    continue;
                float &score = w[static_cast<size_t>(r * o.s + o.prefixLength + j)];
                score = dot(o.q + (row * o.h + head) * o.dim, ok + j * o.okStride2, o.dim) * o.scale;
                top[r] = std::max(top[r], score);
            }
        }
        for (std::int64_t r = 0; r < rows; ++r) {
            const auto row = first + r;
            float *weights = w.data() + r * o.s;
            const bool *mask = o.allowed + row * o.s;
            if (top[r] == -std::numeric_limits<float>::infinity()) { // no allowed key: the mean of all values
                for (std::int64_t j = 0; j < o.s; ++j)
                    weights[j] = 1.f / static_cast<float>(o.s);
                continue;
            }
            float total = 0.f;
            for (std::int64_t j = 0; j < o.s; ++j) {
                weights[j] = mask[j] ? std::exp(weights[j] - top[r]) : 0.f;
                total += weights[j];
            }
            const float inverse = 1.f / total;
            for (std::int64_t j = 0; j < o.s; ++j)
                if (weights[j] != 0.f)
                    weights[j] *= inverse;
        }
        for (std::int64_t j = 0; j < o.prefixLength; ++j) {
            const float *value = pv + j * o.pvStride2;
            for (std::int64_t r = 0; r < rows; ++r) {
                const float weight = w[static_cast<size_t>(r * o.s + j)];
                if (weight != 0.f)
                    axpy(weight, value, o.out + (first + r) * o.h * o.dim + head * o.dim, o.dim);
            }
        }
        for (std::int64_t r = 0; r < rows; ++r) {
            const auto row = first + r;
            const float *ov = o.ownV + row * o.ovStride0 + kvHead * o.ovStride1;
            float *dst = o.out + row * o.h * o.dim + head * o.dim;
            for (std::int64_t j = 0; j < own; ++j) {
                const float weight = w[static_cast<size_t>(r * o.s + o.prefixLength + j)];
                if (weight != 0.f)
                    axpy(weight, ov + j * o.ovStride2, dst, o.dim);
            }
        }
    }
}

void attendSharedPortable(const SharedOperands &o, std::int64_t begin, std::int64_t end, std::vector<float> &w)
{
    attendShared(o, begin, end, w);
}

#if defined(__GNUC__) && defined(__x86_64__)
// Debian builds for any x86-64: the wide version is chosen when the processor runs
// it. A head of 32 or 64 floats is then 4 or 8 fused multiply-adds per key.
__attribute__((target("avx2,fma"))) void attendAvx2(const Operands &o, std::int64_t begin, std::int64_t end,
                                                    float *weights)
{
    attend(o, begin, end, weights);
}

__attribute__((target("avx2,fma"))) void attendSharedAvx2(const SharedOperands &o, std::int64_t begin,
                                                          std::int64_t end, std::vector<float> &w)
{
    attendShared(o, begin, end, w);
}

bool wide()
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#else
bool wide() { return false; }
#endif

using AttendFunction = void (*)(const Operands &, std::int64_t, std::int64_t, float *);
using AttendSharedFunction = void (*)(const SharedOperands &, std::int64_t, std::int64_t, std::vector<float> &);

AttendFunction chooseAttend()
{
#if defined(__GNUC__) && defined(__x86_64__)
    if (wide())
        return attendAvx2;
#endif
    return attendPortable;
}

AttendSharedFunction chooseAttendShared()
{
#if defined(__GNUC__) && defined(__x86_64__)
    if (wide())
        return attendSharedAvx2;
#endif
    return attendSharedPortable;
}

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

bool sharedPrefixAttentionApplies(const torch::Tensor &q, const KvCache::SharedHistory &history)
{
    const auto floatOnCpu = [](const torch::Tensor &t) {
        return t.device().is_cpu() && t.scalar_type() == torch::kFloat32 && t.stride(-1) == 1;
    };
    const bool gradWanted = torch::GradMode::is_enabled() && q.requires_grad();
    return !gradWanted && !DifferentiableOpsOnly::active() && q.dim() == 4 && q.size(2) == 1 && floatOnCpu(q)
        && floatOnCpu(history.prefixKeys) && floatOnCpu(history.prefixValues) && floatOnCpu(history.keys)
        && floatOnCpu(history.values) && history.prefixOf != nullptr
        && static_cast<std::int64_t>(history.prefixOf->size()) == q.size(0);
}

torch::Tensor sharedPrefixAttention(const torch::Tensor &qIn, const KvCache::SharedHistory &history,
                                    const torch::Tensor &allowedIn, double scale)
{
    const auto q = qIn.contiguous();                               // [B,H,1,K]
    const auto allowed = allowedIn.to(torch::kBool).contiguous(); // [B,1,S]
    const auto b = q.size(0), h = q.size(1), dim = q.size(3);
    const auto &pk = history.prefixKeys, &pv = history.prefixValues, &ok = history.keys, &ov = history.values;
    const auto prefixLength = pk.size(2), s = prefixLength + ok.size(2);
    const auto &prefixOf = *history.prefixOf;
    std::vector<std::int64_t> groupStart{0}; // runs of adjacent rows of one prompt
    for (std::int64_t row = 1; row < b; ++row)
        if (prefixOf[static_cast<size_t>(row)] != prefixOf[static_cast<size_t>(row - 1)])
            groupStart.push_back(row);
    const auto groups = static_cast<std::int64_t>(groupStart.size());
    groupStart.push_back(b);
    auto out = torch::zeros({b, 1, h * dim}, q.options()); // [B,1,H*K]
    const SharedOperands o{q.data_ptr<float>(), pk.data_ptr<float>(), pv.data_ptr<float>(), ok.data_ptr<float>(),
                           ov.data_ptr<float>(), allowed.data_ptr<bool>(), out.data_ptr<float>(), groupStart.data(),
                           prefixOf.data(), h, dim, s, prefixLength, h / pk.size(1),
                           pk.stride(0), pk.stride(1), pk.stride(2), pv.stride(0), pv.stride(1), pv.stride(2),
                           ok.stride(0), ok.stride(1), ok.stride(2), ov.stride(0), ov.stride(1), ov.stride(2),
                           static_cast<float>(scale)};
    static const AttendSharedFunction run = chooseAttendShared();
    const std::int64_t grain = std::max<std::int64_t>(1, 32768 / std::max<std::int64_t>(1, s * dim));
    at::parallel_for(0, groups * h, grain, [&](std::int64_t begin, std::int64_t end) {
        std::vector<float> weights;
        run(o, begin, end, weights);
    });
    return out;
}

} // namespace rlrf::model
