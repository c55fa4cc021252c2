// SPDX-License-Identifier: GPL-3.0-or-later
// SFT batches: prompt + answer ids right-padded into [B,T], with next-token targets
// and a loss mask that is true only where the target is an answer token, so the
// loss never teaches the model to write prompts. Backend-internal (torch).
// Shape legend: B batch, T longest prompt + answer minus one (the last token
// predicts nothing), V vocabulary.
#pragma once

#include "train/sft_example.h"

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::model {
class LlamaModelImpl;
}

namespace rlrf::train {

struct SftBatch {
    torch::Tensor inputIds;  // [B,T] int64, 0 after the end of a row
    torch::Tensor positions; // [B,T] int64
    torch::Tensor keyMask;   // [B,T] bool, true for real input tokens
    torch::Tensor targets;   // [B,T] int64, the token after each input position
    torch::Tensor lossMask;  // [B,T] bool, true where the target is an answer token
    std::int64_t answerTokens = 0;
};

// Checks every example up front, so bad data fails before the first step;
// `set` names them in messages ("training example 3 has ...").
void checkSftExamples(const std::vector<SftExample> &examples, std::int64_t vocabSize, std::int64_t maxLength,
                      const std::string &set);

// Throws rlrf::Error naming the example (by its index in `examples`) when its
// prompt or answer is empty, an id lies outside [0, vocabSize) or the sequence
// is longer than maxLength.
SftBatch makeSftBatch(const std::vector<SftExample> &examples, const std::vector<std::size_t> &indices,
                      std::int64_t vocabSize, std::int64_t maxLength);

// The logits [N,V] of the N positions whose target is an answer token (row by
// row), and those targets [N]: only they reach the loss. The LM head and the
// softmax over the vocabulary are a large part of a small model's step, and the
// prompt's positions are most of a row.
torch::Tensor answerLogits(model::LlamaModelImpl &model, const SftBatch &batch);
torch::Tensor answerTargets(const SftBatch &batch);

// Sum of -log p(target) over the rows of logits [N,V], targets [N] (float32
// scalar); divide by the answer-token count of the whole optimizer step for the
// mean token NLL.
torch::Tensor nllSum(const torch::Tensor &logits, const torch::Tensor &targets);

} // namespace rlrf::train
