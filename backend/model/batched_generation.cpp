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

} // namespace rlrf::model
