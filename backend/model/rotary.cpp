// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/rotary.h"

#include <torch/torch.h>

#include "core/error.h"

#include <cmath>

namespace rlrf::model {

namespace {

// Llama 3.1's frequency-dependent scaling (transformers' _compute_llama3_parameters):
// long wavelengths are slowed down by `factor`, short ones kept, the band between
// interpolated smoothly.
double llama3Scaled(double invFreq, const RopeScaling &s)
{
    const double oldContext = static_cast<double>(s.originalMaxPositionEmbeddings);
    const double lowFreqWavelen = oldContext / s.lowFreqFactor;
    const double highFreqWavelen = oldContext / s.highFreqFactor;
    const double wavelen = 2.0 * M_PI / invFreq;
    if (wavelen < highFreqWavelen)
        return invFreq;
    if (wavelen > lowFreqWavelen)
        return invFreq / s.factor;
    const double smooth = (oldContext / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
    return (1.0 - smooth) * invFreq / s.factor + smooth * invFreq;
}

} // namespace

torch::Tensor ropeInverseFrequencies(const ModelConfig &config)
{
    const std::int64_t headDim = config.headDim;
    if (headDim <= 0 || headDim % 2 != 0)
        throw Error("head size must be a positive even number, got " + std::to_string(headDim), {"", 0, "head_dim"});
    auto result = torch::empty({headDim / 2}, torch::kFloat64);
    auto out = result.accessor<double, 1>();
    for (std::int64_t i = 0; i < headDim / 2; ++i) {
        double invFreq = 1.0 / std::pow(config.ropeTheta, static_cast<double>(2 * i) / static_cast<double>(headDim));
        if (config.ropeScaling) {
            const auto &s = *config.ropeScaling;
            if (s.type == "linear")
                invFreq /= s.factor;
            else if (s.type == "llama3")
                invFreq = llama3Scaled(invFreq, s);
            else if (s.type != "default")
                throw Error("unsupported rope scaling type '" + s.type + "'", {"", 0, "rope_scaling"});
        }
        out[i] = invFreq;
    }
    return result;
}

Rotary::Rotary(const ModelConfig &config)
    : m_inverseFrequencies(ropeInverseFrequencies(config))
{
}

std::pair<torch::Tensor, torch::Tensor> Rotary::tables(const torch::Tensor &positions,
                                                       torch::ScalarType dtype) const
{
    const auto invFreq = m_inverseFrequencies.to(positions.device());
    const auto angles = positions.to(torch::kFloat64).unsqueeze(-1) * invFreq; // [B,T,K/2]
    const auto both = torch::cat({angles, angles}, -1);                          // [B,T,K]
    return {both.cos().to(dtype), both.sin().to(dtype)};
}

torch::Tensor Rotary::apply(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin)
{
    const auto half = x.size(-1) / 2;
    const auto rotated = torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
    return x * cos.unsqueeze(1) + rotated * sin.unsqueeze(1);
}

} // namespace rlrf::model
