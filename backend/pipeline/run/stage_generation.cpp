// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/run/stage_generation.h"

#include "core/error.h"
#include "model/batched_generation.h"
#include "model/policy_prompt.h"
#include "pipeline/run/endpoint_generation.h"

namespace rlrf::pipeline {
namespace {

std::optional<std::vector<GeneratedAnswer>> localAnswers(const StageEnv &env,
                                                         const std::vector<prompts::Messages> &conversations,
                                                         const AnswerSettings &s)
{
    std::vector<std::vector<std::int64_t>> inputs;
    inputs.reserve(conversations.size());
    for (const auto &messages : conversations)
        inputs.push_back(model::policyPromptIds(*env.policy, messages));
    model::GenerationOptions g;
    g.maxNewTokens = s.maxNewTokens;
    g.sampling.temperature = s.temperature;
    if (s.topP)
        g.sampling.topP = *s.topP;
    g.numSamples = s.n;
    g.seed = s.seed;
    auto samples = model::generateOneBatch(*env.policy, inputs, g, &env.context.cancel);
    if (!samples)
        return std::nullopt;
    std::vector<GeneratedAnswer> out;
    out.reserve(samples->size());
    for (auto &sample : *samples)
        out.push_back({sample.promptIndex, std::move(sample.text), static_cast<std::int64_t>(sample.ids.size())});
    return out;
}

std::optional<std::vector<GeneratedAnswer>> serverAnswers(const StageEnv &env,
                                                          const std::vector<prompts::Messages> &conversations,
                                                          const AnswerSettings &s)
{
    const auto requests = answerRequests(conversations, s);
    auto replies = endpointReplies(*env.generator, requests, env.context);
    if (!replies)
        return std::nullopt;
    std::vector<GeneratedAnswer> out;
    out.reserve(replies->size());
    for (std::size_t i = 0; i < replies->size(); ++i) {
        const auto tokens = env.policy ? static_cast<std::int64_t>(env.policy->encode((*replies)[i]).size()) : 0;
        out.push_back({i / static_cast<std::size_t>(s.n), std::move((*replies)[i]), tokens});
    }
    return out;
}

} // namespace

std::optional<std::vector<GeneratedAnswer>> generateAnswers(const StageEnv &env,
                                                            const std::vector<prompts::Messages> &conversations,
                                                            const AnswerSettings &settings)
{
    if (conversations.empty())
        return std::vector<GeneratedAnswer>{};
    if (env.generator)
        return serverAnswers(env, conversations, settings);
    if (!env.policy)
        throw Error("no policy model loaded to generate with"); // a driver bug, not bad input
    return localAnswers(env, conversations, settings);
}

nlohmann::json storedSamplingParams(const StageEnv &env, const AnswerSettings &settings)
{
    nlohmann::json params = {{"temperature", settings.temperature}};
    if (settings.topP)
        params["top_p"] = *settings.topP;
    params["max_new_tokens"] = settings.maxNewTokens;
    params["n"] = settings.n;
    if (env.generator)
        params["generator"] = env.options.generator;
    return params;
}

std::optional<std::int64_t> candidateCheckpoint(const StageEnv &env)
{
    if (env.generator)
        return std::nullopt;
    return env.checkpointId;
}

} // namespace rlrf::pipeline
