// SPDX-License-Identifier: GPL-3.0-or-later
// Rotary position embeddings (Su et al. 2021) in Hugging Face's rotate-half layout:
// the pair rotated together is (x[i], x[i + K/2]). Frequencies follow the config,
// including "linear" and Llama-3 ("llama3") rope scaling.
// Shape legend: B batch, T sequence, H heads, K head size.
#pragma once

#include "model/model_config.h"

#include <torch/torch.h>

namespace rlrf::model {

// The K/2 inverse frequencies theta^(-2i/K) after rope scaling, float64 on the CPU.
torch::Tensor ropeInverseFrequencies(const ModelConfig &config);

class Rotary {
public:
    explicit Rotary(const ModelConfig &config);

    // cos and sin tables for the given positions [B,T] (int64, any device):
    // two tensors [B,T,K] in `dtype`. Angles are computed in float64 so that long
    // positions keep their precision in float32 and bfloat16 models alike.
    std::pair<torch::Tensor, torch::Tensor> tables(const torch::Tensor &positions,
                                                   torch::ScalarType dtype) const;

    // x [B,H,T,K] rotated with tables [B,T,K]; returns x's dtype.
    static torch::Tensor apply(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin);

private:
    torch::Tensor m_inverseFrequencies; // [K/2] float64, CPU
};

} // namespace rlrf::model
