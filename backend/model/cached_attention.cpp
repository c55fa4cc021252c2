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

// Eight independent partial sums, so the compiler can keep them in one vector
// register without reordering a single sum.
inline float dot(const float *a, const float *b, std::int64_t n)
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

inline void axpy(float w, const float *x, float *y, std::int64_t n)
{
    for (std::int64_t i = 0; i < n; ++i)
        y[i] += w * x[i];
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
    const auto groups = h / hk;
    auto out = torch::zeros({b, t, h * dim}, q.options()); // [B,T,H*K]
    const float *qData = q.data_ptr<float>();
    const float *kData = k.data_ptr<float>();
    const float *vData = v.data_ptr<float>();
    const bool *allowedData = allowed.data_ptr<bool>();
    float *outData = out.data_ptr<float>();
    const auto kStride0 = k.stride(0), kStride1 = k.stride(1), kStride2 = k.stride(2);
    const auto vStride0 = v.stride(0), vStride1 = v.stride(1), vStride2 = v.stride(2);
    const float fscale = static_cast<float>(scale);
    // A grain that gives each thread several (row, head) pairs, not one each.
    const std::int64_t grain = std::max<std::int64_t>(1, 32768 / std::max<std::int64_t>(1, s * dim));
    at::parallel_for(0, b * h, grain, [&](std::int64_t begin, std::int64_t end) {
        std::vector<float> weights(static_cast<size_t>(s));
        for (std::int64_t bh = begin; bh < end; ++bh) {
            const auto row = bh / h, head = bh % h, kvHead = head / groups;
            const float *keys = kData + row * kStride0 + kvHead * kStride1;
            const float *values = vData + row * vStride0 + kvHead * vStride1;
            for (std::int64_t query = 0; query < t; ++query) {
                const float *qv = qData + ((row * h + head) * t + query) * dim;
                const bool *mask = allowedData + (row * t + query) * s;
                float *dst = outData + (row * t + query) * h * dim + head * dim;
                float top = -std::numeric_limits<float>::infinity();
                for (std::int64_t j = 0; j < s; ++j)
                    if (mask[j]) {
                        weights[j] = dot(qv, keys + j * kStride2, dim) * fscale;
                        top = std::max(top, weights[j]);
                    }
                if (top == -std::numeric_limits<float>::infinity()) { // no allowed key
                    for (std::int64_t j = 0; j < s; ++j)
                        axpy(1.f / static_cast<float>(s), values + j * vStride2, dst, dim);
                    continue;
                }
                float total = 0.f;
                for (std::int64_t j = 0; j < s; ++j) {
                    weights[j] = mask[j] ? std::exp(weights[j] - top) : 0.f;
                    total += weights[j];
                }
                const float inverse = 1.f / total;
                for (std::int64_t j = 0; j < s; ++j)
                    if (weights[j] != 0.f)
                        axpy(weights[j] * inverse, values + j * vStride2, dst, dim);
            }
        }
    });
    return out;
}

} // namespace rlrf::model
