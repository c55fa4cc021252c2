// SPDX-License-Identifier: GPL-3.0-or-later
// What the shipped Reflect-Retry-Reward demo models are checked on: greedy first
// tries at some held-out problems, then for each failure a greedy reflection and
// greedy retries after the model's own reflection and after the oracle's. The
// model tests assert on the shares; header-only, for the tests that use it.
#pragma once

#include "model/text_model.h"
#include "pipeline/rrr/policy_sampler.h"
#include "tasks/task.h"
#include "types/prompt_formats.h"

#include <functional>
#include <string>
#include <vector>

namespace rlrf::test {

struct ReflectionHeadroom {
    double firstTry = 0.0;                   // share of the problems right at the first try
    std::vector<std::size_t> failed;         // indices of the first-try failures
    std::vector<std::string> ownReflections; // per failure
    std::vector<std::string> oracleReflections;
    double own = 0.0;    // share of the failures the retry solves after the own reflection
    double oracle = 0.0; // ... after the oracle's
};

/// `oracle` writes the perfect reflection for a problem and its failed attempt.
inline ReflectionHeadroom measureReflectionHeadroom(
    const model::TextModel &model, const tasks::Task &task, const std::vector<tasks::Problem> &problems,
    const std::function<std::string(const tasks::Problem &, const std::string &)> &oracle)
{
    const rrr::PolicySampler sampler(model, 64);
    std::vector<prompts::Messages> first;
    for (const auto &p : problems)
        first.push_back(prompts::answerMessages(p.prompt));
    const auto attempts = sampler.sample(first, {1, 0.0, 96, 0});
    ReflectionHeadroom out;
    for (std::size_t i = 0; i < problems.size(); ++i)
        if (!task.verify(problems[i], attempts[i].text).correct)
            out.failed.push_back(i);
    out.firstTry = 1.0 - double(out.failed.size()) / double(problems.size());

    std::vector<prompts::Messages> reflect;
    for (const auto i : out.failed) {
        reflect.push_back(prompts::reflectionMessages(problems[i].prompt, attempts[i].text));
        out.oracleReflections.push_back(oracle(problems[i], attempts[i].text));
    }
    for (const auto &r : sampler.sample(reflect, {1, 0.0, 96, 0}))
        out.ownReflections.push_back(r.text);
    const auto solvedShare = [&](const std::vector<std::string> &reflections) {
        std::vector<prompts::Messages> retry;
        for (std::size_t k = 0; k < out.failed.size(); ++k)
            retry.push_back(prompts::retryMessages(problems[out.failed[k]].prompt, attempts[out.failed[k]].text,
                                                   reflections[k]));
        const auto retries = sampler.sample(retry, {1, 0.0, 96, 0});
        std::size_t solved = 0;
        for (std::size_t k = 0; k < out.failed.size(); ++k)
            solved += task.verify(problems[out.failed[k]], retries[k].text).correct ? 1 : 0;
        return out.failed.empty() ? 0.0 : double(solved) / double(out.failed.size());
    };
    out.oracle = solvedShare(out.oracleReflections);
    out.own = solvedShare(out.ownReflections);
    return out;
}

} // namespace rlrf::test
