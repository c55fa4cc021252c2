// SPDX-License-Identifier: GPL-3.0-or-later
// The tensor side of one Reflect-Retry-Reward step: training rows from the
// sampled groups, the loss mask that keeps everything but the reflection out of
// the loss, and the backward pass in chunks of rows. Backend-internal (torch).
// Shape legend: B rows, C longest completion.
#pragma once

#include "model/logprobs.h"
#include "rrr/reflect_retry.h"
#include "train/grpo_loss.h"

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace rlrf::rrr {

struct ReflectionRows {
    model::TokenRows prompts;                // reflection prompt ids
    model::TokenRows completions;            // reflection, then the retry conversation
    std::vector<std::size_t> reflectionLengths;
    std::vector<double> advantages;
};

/// Rows of every try of the given groups with their advantages; groups whose
/// `advantages` are all zero (no reward spread) are left out when `skipFlat`.
ReflectionRows reflectionRows(const std::vector<ReflectionGroup> &groups,
                              const std::vector<std::vector<double>> &advantages, bool skipFlat);

/// [B,C] bool: true at the first reflectionLengths[b] completion tokens of row b.
torch::Tensor reflectionLossMask(const std::vector<std::size_t> &reflectionLengths, std::int64_t columns);

/// Per-row log-probs without gradients (old policy or reference), in chunks.
std::vector<std::vector<float>> rowLogProbs(model::LlamaModelImpl &model, const ReflectionRows &rows,
                                            std::size_t chunk);

struct ReflectionStepSums {
    double loss = 0.0;      // mean over rows
    double kl = 0.0;        // mean over reflection tokens
    double clipFraction = 0.0;
    double ratioMean = 0.0;
    std::int64_t rows = 0;
    std::int64_t tokens = 0; // prompt + completion tokens through the model
    bool finite = true;
};

/// Accumulates the gradient of the GRPO loss over all rows (chunk by chunk,
/// each scaled by its share of rows, so the result is the gradient of the mean).
ReflectionStepSums reflectionBackward(model::LlamaModelImpl &policy, const ReflectionRows &rows,
                                      const std::vector<std::vector<float>> &oldLogProbs,
                                      const std::vector<std::vector<float>> &refLogProbs,
                                      const train::GrpoLossOptions &options, std::size_t chunk);

} // namespace rlrf::rrr
