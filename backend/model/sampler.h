// SPDX-License-Identifier: GPL-3.0-or-later
// Picks the next token from logits: greedy, or sampling with temperature, top-k and
// top-p (nucleus, Holtzman et al. 2020). Random draws come from a seeded CPU
// generator, so the same seed gives the same tokens on CPU and CUDA alike.
// Shape legend: B batch, V vocabulary.
#pragma once

#include "model/sampling_options.h"

#include <torch/torch.h>

#include <cstdint>

namespace rlrf::model {

// logits [B,V] -> logits with the tokens outside the top k set to -inf.
torch::Tensor topKFilter(const torch::Tensor &logits, std::int64_t k);
// logits [B,V] -> logits keeping the smallest set of most probable tokens whose
// probability reaches p (the most probable token is always kept); others -inf.
torch::Tensor topPFilter(const torch::Tensor &logits, double p);

class Sampler {
public:
    Sampler(SamplingOptions options, std::uint64_t seed);

    // logits [B,V] (any device) -> next ids [B] int64 on the logits' device.
    torch::Tensor next(const torch::Tensor &logits);

    const SamplingOptions &options() const { return m_options; }

private:
    SamplingOptions m_options;
    torch::Generator m_generator;
};

} // namespace rlrf::model
