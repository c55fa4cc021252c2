// SPDX-License-Identifier: GPL-3.0-or-later
// The tensor side of one GRPO update: the loss mask that keeps all but the
// leading `lossLengths` completion tokens out of the loss, per-row log-probs
// without gradients, and the backward pass in chunks of rows.
// Backend-internal (torch). Shape legend: B rows, C longest completion.
#pragma once

#include "model/logprobs.h"
#include "train/grpo_loss.h"
#include "train/grpo_rows.h"

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace rlrf::train {

/// [B,C] bool: true at the first lengths[b] completion tokens of row b.
torch::Tensor lossPrefixMask(const std::vector<std::size_t> &lengths, std::int64_t columns);

/// Per-row log-probs without gradients (old policy or reference), in chunks.
std::vector<std::vector<float>> rowLogProbs(model::LlamaModelImpl &model, const GrpoRows &rows, std::size_t chunk);

struct GrpoStepSums {
    double loss = 0.0;      // mean over rows
    double kl = 0.0;        // mean over loss tokens
    double clipFraction = 0.0;
    double ratioMean = 0.0;
    std::int64_t rows = 0;
    std::int64_t tokens = 0; // prompt + completion tokens through the model
    bool finite = true;
};

/// Accumulates the gradient of the GRPO loss over all rows (chunk by chunk,
/// each scaled by its share of rows, so the result is the gradient of the mean).
/// With `shards` above 1 each chunk's rows are split into that many shards
/// whose forward and backward passes run side by side (sharded_backward.h): the
/// same gradient up to float rounding. A non-finite loss stops the call before
/// its chunk's gradient is added (finite false, loss the value found).
GrpoStepSums grpoBackward(model::LlamaModelImpl &policy, const GrpoRows &rows,
                          const std::vector<std::vector<float>> &oldLogProbs,
                          const std::vector<std::vector<float>> &refLogProbs, const GrpoLossOptions &options,
                          std::size_t chunk, std::size_t shards = 1);

} // namespace rlrf::train
