// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/rrr/two_try_eval.h"

#include <algorithm>

namespace rlrf::rrr {

TwoTryAccuracy evaluateTwoTries(const PolicySampler &sampler, const tasks::Task &task,
                                const std::vector<tasks::Problem> &queries, const TwoTrySettings &settings,
                                const CancelToken *cancel)
{
    TwoTryAccuracy out;
    std::vector<prompts::Messages> first;
    for (const auto &q : queries)
        first.push_back(prompts::answerMessages(q.prompt));
    const auto attempts = sampler.sample(first, {1, 0.0, settings.maxAnswerTokens, 0}, cancel);
    if (attempts.size() < queries.size()) {
        out.cancelled = true;
        return out;
    }
    std::vector<std::size_t> failed;
    for (std::size_t i = 0; i < queries.size(); ++i)
        if (task.verify(queries[i], attempts[i].text).correct)
            ++out.firstCorrect;
        else
            failed.push_back(i);
    std::vector<prompts::Messages> reflect;
    for (const auto i : failed)
        reflect.push_back(prompts::reflectionMessages(queries[i].prompt, attempts[i].text));
    const auto reflections = sampler.sample(reflect, {1, 0.0, settings.maxReflectionTokens, 0}, cancel);
    std::vector<prompts::Messages> retry;
    for (std::size_t k = 0; k < reflections.size(); ++k) {
        const auto i = failed[k];
        retry.push_back(prompts::retryMessages(queries[i].prompt, attempts[i].text, reflections[k].text));
        out.reflectionTokens += static_cast<double>(reflections[k].ids.size());
    }
    const auto retries = sampler.sample(retry, {1, 0.0, settings.maxAnswerTokens, 0}, cancel);
    if (reflections.size() < failed.size() || retries.size() < failed.size()) {
        out.cancelled = true;
        return out;
    }
    out.secondCorrect = out.firstCorrect;
    for (std::size_t k = 0; k < failed.size(); ++k)
        if (task.verify(queries[failed[k]], retries[k].text).correct)
            ++out.secondCorrect;
    out.queries = static_cast<std::int64_t>(queries.size());
    const double n = static_cast<double>(std::max<std::int64_t>(1, out.queries));
    out.first = static_cast<double>(out.firstCorrect) / n;
    out.second = static_cast<double>(out.secondCorrect) / n;
    if (!failed.empty())
        out.reflectionTokens /= static_cast<double>(failed.size());
    return out;
}

} // namespace rlrf::rrr
