// SPDX-License-Identifier: GPL-3.0-or-later
// Per-token log-probabilities of completions given prompts, for DPO and GRPO.
// Sequences (prompt + completion) are right-padded into one batch; padding is masked
// out of attention and out of the result.
// Shape legend: B batch, C longest completion.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace rlrf::model {

class LlamaModelImpl;

using TokenRows = std::vector<std::vector<std::int64_t>>;

struct CompletionLogProbs {
    torch::Tensor logProbs; // [B,C] float32; log p(completion[b][j] | prompt[b], completion[b][<j]); 0 where masked
    torch::Tensor mask;     // [B,C] bool; true for real completion tokens
};

// Differentiable: gradients flow into the model's parameters (when grad mode is on).
// Throws rlrf::Error when the counts differ, a prompt is empty or an id is outside
// the vocabulary.
CompletionLogProbs completionLogProbs(LlamaModelImpl &model, const TokenRows &prompts, const TokenRows &completions);

// Without gradients; one vector per completion, as long as the completion.
std::vector<std::vector<float>> completionLogProbsNoGrad(LlamaModelImpl &model, const TokenRows &prompts,
                                                         const TokenRows &completions);

} // namespace rlrf::model
