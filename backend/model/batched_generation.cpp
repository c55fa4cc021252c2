// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/batched_generation.h"

#include "model/ordered_jobs.h"

#include <algorithm>
#include <memory>

namespace rlrf::model {

bool generateInBatches(const TextModel &model, std::size_t promptCount, const PromptIdsOf &promptIds,
                       GenerationOptions options, const BatchSettings &settings, const CancelToken *cancel,
                       const BatchSink &sink)
{
    const auto stopped = [cancel] { return cancel && cancel->stopRequested(); };
    const std::size_t perBatch = std::max<std::size_t>(1, settings.promptsPerBatch);
    const std::size_t batches = (promptCount + perBatch - 1) / perBatch;
    const std::size_t workers = std::min(batches, concurrentBatches(model.policy().device()));
    std::size_t first = 0;
    bool finished = true;
    // Prompts are built and samples handed on here, on the calling thread: the
    // callers read their store in both.
    runJobsInOrder(workers, [&]() -> std::optional<Job> {
        if (first >= promptCount)
            return std::nullopt;
        if (stopped()) {
            finished = false;
            return std::nullopt;
        }
        const std::size_t end = std::min(promptCount, first + perBatch);
        auto prompts = std::make_shared<std::vector<std::vector<std::int64_t>>>();
        prompts->reserve(end - first);
        for (std::size_t i = first; i < end; ++i)
            prompts->push_back(promptIds(i));
        if (settings.seedOfBatch)
            options.seed = settings.seedOfBatch(first);
        const std::size_t batchFirst = first;
        first = end;
        return Job([&model, &sink, &stopped, &finished, options, cancel, prompts, batchFirst]() -> JobFinish {
            auto samples = std::make_shared<std::vector<TextSample>>(model.generate(*prompts, options, cancel));
            std::stable_sort(samples->begin(), samples->end(),
                             [](const TextSample &a, const TextSample &b) { return a.promptIndex < b.promptIndex; });
            return [&sink, &stopped, &finished, prompts, samples, batchFirst] {
                if (stopped()) {
                    finished = false; // a batch cut short is not an answer
                    return false;
                }
                sink(batchFirst, *prompts, std::move(*samples));
                return true;
            };
        });
    });
    return finished;
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
