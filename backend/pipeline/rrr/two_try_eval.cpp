// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/rrr/two_try_eval.h"

#include <algorithm>
#include <optional>

namespace rlrf::rrr {
namespace {

// Greedy retries of the failures `which` with their reflections in context, in
// one sample call; nothing when cancelled.
std::optional<std::vector<Sample>> greedyRetries(const PolicySampler &sampler, const std::vector<store::RrrEvalQueryRecord> &records,
                                                 const std::vector<std::size_t> &which,
                                                 const std::vector<std::string> &reflections, std::int64_t maxTokens,
                                                 const CancelToken *cancel)
{
    std::vector<prompts::Messages> retry;
    for (std::size_t k = 0; k < which.size(); ++k)
        retry.push_back(prompts::retryMessages(records[which[k]].prompt, records[which[k]].firstAttempt, reflections[k]));
    auto retries = sampler.sample(retry, {1, 0.0, maxTokens, 0}, cancel);
    if (retries.size() < which.size())
        return std::nullopt;
    return retries;
}

} // namespace

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
    std::vector<store::RrrEvalQueryRecord> records(queries.size());
    std::vector<std::size_t> failed;
    for (std::size_t i = 0; i < queries.size(); ++i) {
        records[i].position = static_cast<std::int64_t>(i);
        records[i].problemId = queries[i].id;
        records[i].prompt = queries[i].prompt;
        records[i].firstAttempt = attempts[i].text;
        records[i].firstCorrect = task.verify(queries[i], attempts[i].text).correct;
        if (records[i].firstCorrect)
            ++out.firstCorrect;
        else
            failed.push_back(i);
    }
    std::vector<prompts::Messages> reflect;
    for (const auto i : failed)
        reflect.push_back(prompts::reflectionMessages(queries[i].prompt, attempts[i].text));
    const auto reflections = sampler.sample(reflect, {1, 0.0, settings.maxReflectionTokens, 0}, cancel);
    if (reflections.size() < failed.size()) {
        out.cancelled = true;
        return out;
    }
    std::vector<std::string> own;
    for (std::size_t k = 0; k < failed.size(); ++k) {
        records[failed[k]].ownReflection = reflections[k].text;
        own.push_back(reflections[k].text);
        out.reflectionTokens += static_cast<double>(reflections[k].ids.size());
    }
    std::vector<std::size_t> withOracle;
    std::vector<std::string> oracle;
    for (const auto i : failed)
        if (auto text = task.oracleReflection(queries[i], attempts[i].text)) {
            records[i].oracleReflection = *text;
            withOracle.push_back(i);
            oracle.push_back(std::move(*text));
        }
    const auto ownRetries = greedyRetries(sampler, records, failed, own, settings.maxAnswerTokens, cancel);
    const auto oracleRetries =
        ownRetries ? greedyRetries(sampler, records, withOracle, oracle, settings.maxAnswerTokens, cancel) : std::nullopt;
    if (!oracleRetries) {
        out.cancelled = true;
        return out;
    }
    for (std::size_t k = 0; k < failed.size(); ++k) {
        auto &r = records[failed[k]];
        r.ownRetry = (*ownRetries)[k].text;
        r.ownCorrect = task.verify(queries[failed[k]], r.ownRetry).correct;
    }
    for (std::size_t k = 0; k < withOracle.size(); ++k) {
        auto &r = records[withOracle[k]];
        r.oracleRetry = (*oracleRetries)[k].text;
        r.oracleCorrect = task.verify(queries[withOracle[k]], r.oracleRetry).correct;
    }
    out.secondCorrect = out.firstCorrect;
    for (const auto i : failed)
        out.secondCorrect += records[i].ownCorrect ? 1 : 0;
    out.oracleAvailable = static_cast<std::int64_t>(withOracle.size());
    for (const auto i : withOracle)
        out.oracleSolved += records[i].oracleCorrect ? 1 : 0;
    out.queries = static_cast<std::int64_t>(queries.size());
    const double n = static_cast<double>(std::max<std::int64_t>(1, out.queries));
    out.first = static_cast<double>(out.firstCorrect) / n;
    out.second = static_cast<double>(out.secondCorrect) / n;
    if (!failed.empty())
        out.reflectionTokens /= static_cast<double>(failed.size());
    out.records = std::move(records);
    out.recorded = true;
    return out;
}

} // namespace rlrf::rrr
