// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/rrr/reflect_retry.h"

#include <algorithm>

namespace rlrf::rrr {

void layOutRow(ReflectionTry &item, const std::vector<std::int64_t> &reflectionPrompt,
               const std::vector<std::int64_t> &reflectionIds, const std::vector<std::int64_t> &retryPrompt,
               const std::vector<std::int64_t> &retryIds)
{
    item.context = reflectionPrompt;
    item.completion = reflectionIds;
    item.reflectionLength = reflectionIds.size();
    std::vector<std::int64_t> full = retryPrompt;
    full.insert(full.end(), retryIds.begin(), retryIds.end());
    const std::size_t prefix = reflectionPrompt.size() + reflectionIds.size();
    if (full.size() <= prefix || !std::equal(reflectionPrompt.begin(), reflectionPrompt.end(), full.begin())
        || !std::equal(reflectionIds.begin(), reflectionIds.end(), full.begin() + static_cast<std::ptrdiff_t>(reflectionPrompt.size())))
        return;
    item.completion.insert(item.completion.end(), full.begin() + static_cast<std::ptrdiff_t>(prefix), full.end());
}

std::vector<ReflectionGroup> reflectAndRetry(const PolicySampler &sampler, const tasks::Task &task,
                                             const std::vector<const FailedAttempt *> &failures,
                                             const ReflectRetrySettings &settings, const CancelToken *cancel)
{
    std::vector<prompts::Messages> reflect;
    for (const auto *f : failures)
        reflect.push_back(prompts::reflectionMessages(f->problem.prompt, f->attempt));
    const auto reflections = sampler.sample(
        reflect, {settings.groupSize, settings.reflectionTemperature, settings.maxReflectionTokens, settings.seed},
        cancel);
    const auto g = static_cast<std::size_t>(settings.groupSize);
    if (reflections.size() < failures.size() * g)
        return {};
    std::vector<prompts::Messages> retry;
    for (std::size_t k = 0; k < reflections.size(); ++k) {
        const auto *f = failures[k / g];
        retry.push_back(prompts::retryMessages(f->problem.prompt, f->attempt, reflections[k].text));
    }
    const auto retries = sampler.sample(
        retry, {1, settings.retryTemperature, settings.maxAnswerTokens, settings.seed + 7919}, cancel);
    if (retries.size() < retry.size())
        return {};
    std::vector<ReflectionGroup> groups(failures.size());
    for (std::size_t k = 0; k < reflections.size(); ++k) {
        auto &group = groups[k / g];
        group.failure = k / g;
        ReflectionTry item;
        item.reflection = reflections[k].text;
        item.retry = retries[k].text;
        item.reward = task.verify(failures[k / g]->problem, item.retry).correct ? 1.0 : 0.0;
        layOutRow(item, reflections[k].promptIds, reflections[k].ids, retries[k].promptIds, retries[k].ids);
        group.tries.push_back(std::move(item));
    }
    return groups;
}

} // namespace rlrf::rrr
