// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/rrr/failure_miner.h"

namespace rlrf::rrr {

MiningResult mineFailures(const PolicySampler &sampler, const tasks::Task &task,
                          const std::vector<tasks::Problem> &queries, const MiningSettings &settings,
                          const CancelToken *cancel)
{
    std::vector<prompts::Messages> conversations;
    for (const auto &q : queries)
        conversations.push_back(prompts::answerMessages(q.prompt));
    const auto samples = sampler.sample(
        conversations, {settings.samplesPerQuery, settings.temperature, settings.maxNewTokens, settings.seed}, cancel);
    MiningResult result;
    result.cancelled = cancel && cancel->stopRequested();
    const auto perQuery = static_cast<std::size_t>(settings.samplesPerQuery);
    const std::size_t done = samples.size() / perQuery;
    result.queries = static_cast<std::int64_t>(done);
    for (std::size_t q = 0; q < done; ++q) {
        std::int64_t kept = 0;
        for (std::size_t s = 0; s < perQuery; ++s) {
            const auto &sample = samples[q * perQuery + s];
            const auto verdict = task.verify(queries[q], sample.text);
            ++result.attempts;
            if (verdict.correct) {
                ++result.correctAttempts;
                continue;
            }
            if (kept == 0)
                ++result.queriesWithFailure;
            if (kept++ < settings.failuresPerQuery)
                result.failures.push_back({queries[q], sample.text, verdict.reason});
        }
    }
    return result;
}

} // namespace rlrf::rrr
