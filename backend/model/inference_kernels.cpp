// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/inference_kernels.h"

#include <ATen/Parallel.h>

#include <cmath>

namespace rlrf::model {

namespace {
thread_local bool t_differentiableOpsOnly = false;
}

DifferentiableOpsOnly::DifferentiableOpsOnly()
    : m_was(t_differentiableOpsOnly)
{
    t_differentiableOpsOnly = true;
}

DifferentiableOpsOnly::~DifferentiableOpsOnly() { t_differentiableOpsOnly = m_was; }

bool DifferentiableOpsOnly::active() { return t_differentiableOpsOnly; }

bool inferenceKernelsApply(const torch::Tensor &x)
{
    return !t_differentiableOpsOnly && !torch::GradMode::is_enabled() && x.is_cpu()
        && x.scalar_type() == torch::kFloat32;
}

torch::Tensor rmsNormInference(const torch::Tensor &xIn, const torch::Tensor &weightIn, double eps)
{
    const auto x = xIn.contiguous();
    const auto weight = weightIn.contiguous();
    auto out = torch::empty_like(x);
    const auto d = x.size(-1);
    const auto rows = x.numel() / std::max<std::int64_t>(d, 1);
    const float *src = x.data_ptr<float>();
    const float *w = weight.data_ptr<float>();
    float *dst = out.data_ptr<float>();
    at::parallel_for(0, rows, std::max<std::int64_t>(1, 16384 / std::max<std::int64_t>(d, 1)),
                     [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t r = begin; r < end; ++r) {
            const float *xr = src + r * d;
            float *yr = dst + r * d;
            double sum = 0.0; // a double sum: as exact as torch's cascade sum in float
            for (std::int64_t i = 0; i < d; ++i)
                sum += static_cast<double>(xr[i]) * xr[i];
            const float inv = 1.0f / std::sqrt(static_cast<float>(sum / static_cast<double>(d)) + static_cast<float>(eps));
            for (std::int64_t i = 0; i < d; ++i)
                yr[i] = w[i] * (xr[i] * inv);
        }
    });
    return out;
}

void rotateHeadsInPlace(torch::Tensor &x, const torch::Tensor &cosIn, const torch::Tensor &sinIn)
{
    const auto cos = cosIn.contiguous();
    const auto sin = sinIn.contiguous();
    const auto b = x.size(0), t = x.size(1), n = x.size(2), k = x.size(3), half = k / 2;
    const auto s0 = x.stride(0), s1 = x.stride(1), s2 = x.stride(2);
    float *data = x.data_ptr<float>();
    const float *c = cos.data_ptr<float>();
    const float *s = sin.data_ptr<float>();
    at::parallel_for(0, b * t, std::max<std::int64_t>(1, 8192 / std::max<std::int64_t>(n * k, 1)),
                     [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t bt = begin; bt < end; ++bt) {
            const auto row = bt / t, pos = bt % t;
            const float *cr = c + bt * k;
            const float *sr = s + bt * k;
            for (std::int64_t head = 0; head < n; ++head) {
                float *v = data + row * s0 + pos * s1 + head * s2;
                for (std::int64_t i = 0; i < half; ++i) {
                    const float x1 = v[i], x2 = v[i + half];
                    v[i] = x1 * cr[i] + (-x2) * sr[i];
                    v[i + half] = x2 * cr[i + half] + x1 * sr[i + half];
                }
            }
        }
    });
}

torch::Tensor swigluInference(const torch::Tensor &gateIn, const torch::Tensor &upIn)
{
    const auto gate = gateIn.contiguous();
    const auto up = upIn.contiguous();
    auto out = torch::empty_like(gate);
    const float *g = gate.data_ptr<float>();
    const float *u = up.data_ptr<float>();
    float *dst = out.data_ptr<float>();
    at::parallel_for(0, gate.numel(), 16384, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i)
            dst[i] = g[i] / (1.0f + std::exp(-g[i])) * u[i];
    });
    return out;
}

} // namespace rlrf::model
