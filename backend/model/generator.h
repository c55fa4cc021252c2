// SPDX-License-Identifier: GPL-3.0-or-later
// Batched text generation with a KV cache. Prompts of different lengths are
// left-padded and each row gets its own RoPE positions, so a prompt generates the
// same tokens in a batch as alone. Tokenizer-agnostic: stop strings are found
// through a decode callback. Checks the cancel token between tokens.
// Torch-free header; the model is passed by its implementation type.
#pragma once

#include "core/cancel_token.h"
#include "model/sampling_options.h"

#include <functional>
#include <string>
#include <vector>

namespace rlrf::model {

class LlamaModelImpl;

struct GeneratedSequence {
    std::size_t promptIndex = 0;
    std::vector<std::int64_t> tokens; // completion only; ends with the EOS id when reason == Eos
    FinishReason reason = FinishReason::Length;
};

struct GenerationResult {
    // numSamples rows per prompt, in prompt order: prompt p's samples are rows
    // p*numSamples .. p*numSamples + numSamples - 1.
    std::vector<GeneratedSequence> sequences;
    bool cancelled = false;
};

// Token ids of one completion -> its text; used only for stop strings.
using DecodeFunction = std::function<std::string(const std::vector<std::int64_t> &)>;

// Throws rlrf::Error for an empty prompt, an out-of-vocabulary id, bad options or
// stop strings without a decode function. Runs without gradients.
GenerationResult generate(LlamaModelImpl &model, const std::vector<std::vector<std::int64_t>> &prompts,
                          const GenerationOptions &options, const DecodeFunction &decode = {},
                          const CancelToken *cancel = nullptr);

} // namespace rlrf::model
