// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/batched_generation.h"

#include <algorithm>

namespace rlrf::model {

bool generateInBatches(const TextModel &model, std::size_t promptCount, const PromptIdsOf &promptIds,
                       GenerationOptions options, const BatchSettings &settings, const CancelToken *cancel,
                       const BatchSink &sink)
{
    const auto stopped = [cancel] { return cancel && cancel->stopRequested(); };
    const std::size_t perBatch = std::max<std::size_t>(1, settings.promptsPerBatch);
    for (std::size_t first = 0; first < promptCount; first += perBatch) {
        if (stopped())
            return false;
        const std::size_t end = std::min(promptCount, first + perBatch);
        std::vector<std::vector<std::int64_t>> prompts;
        prompts.reserve(end - first);
        for (std::size_t i = first; i < end; ++i)
            prompts.push_back(promptIds(i));
        if (settings.seedOfBatch)
            options.seed = settings.seedOfBatch(first);
        auto samples = model.generate(prompts, options, cancel);
        if (stopped())
            return false; // a batch cut short is not an answer
        std::stable_sort(samples.begin(), samples.end(),
                         [](const TextSample &a, const TextSample &b) { return a.promptIndex < b.promptIndex; });
        sink(first, prompts, std::move(samples));
    }
    return true;
}

std::optional<std::vector<TextSample>> generateOneBatch(const TextModel &model,
                                                        const std::vector<std::vector<std::int64_t>> &prompts,
                                                        const GenerationOptions &options, const CancelToken *cancel)
{
    std::vector<TextSample> out;
    BatchSettings oneBatch;
    oneBatch.promptsPerBatch = std::max<std::size_t>(1, prompts.size());
    const bool finished = generateInBatches(
        model, prompts.size(), [&prompts](std::size_t i) { return prompts[i]; }, options, oneBatch, cancel,
        [&out](std::size_t, const std::vector<std::vector<std::int64_t>> &, std::vector<TextSample> samples) {
            out = std::move(samples);
        });
    if (!finished)
        return std::nullopt;
    return out;
}

} // namespace rlrf::model
