// SPDX-License-Identifier: GPL-3.0-or-later
// The one loop that generates for many prompts: batch by batch, each batch its
// own seed (so a batch's samples do not depend on how many came before), a stop
// request checked before each batch and inside generation, and a batch cut
// short by it dropped rather than passed on as answers. Evaluation, the judge's
// local model, Reflect-Retry-Reward's sampler, the pipeline's sample and refine
// stages and the teaching walkthrough run on it.
#pragma once

#include "core/cancel_token.h"
#include "model/text_model.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace rlrf::model {

struct BatchSettings {
    std::size_t promptsPerBatch = 64;
    /// The seed of the batch whose first prompt is `first`; empty: the options'
    /// seed for every batch.
    std::function<std::uint64_t(std::size_t first)> seedOfBatch;
};

/// Prompt ids of prompt `index`, built when its batch comes up.
using PromptIdsOf = std::function<std::vector<std::int64_t>(std::size_t index)>;

/// Receives each finished batch: the index of its first prompt, the batch's
/// prompt ids, and its samples (promptIndex relative to the batch), sorted by
/// prompt with the samples of one prompt in generation order.
using BatchSink = std::function<void(std::size_t first, const std::vector<std::vector<std::int64_t>> &prompts,
                                     std::vector<TextSample> samples)>;

/// Returns false when a stop request ended it early (the batches before were
/// all passed to `sink`).
bool generateInBatches(const TextModel &model, std::size_t promptCount, const PromptIdsOf &promptIds,
                       GenerationOptions options, const BatchSettings &settings, const CancelToken *cancel,
                       const BatchSink &sink);

/// The same for prompts that make one batch: their samples (sorted as above), or
/// none when a stop request cut the generation short.
std::optional<std::vector<TextSample>> generateOneBatch(const TextModel &model,
                                                        const std::vector<std::vector<std::int64_t>> &prompts,
                                                        const GenerationOptions &options, const CancelToken *cancel);

} // namespace rlrf::model
