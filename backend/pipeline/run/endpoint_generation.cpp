// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/run/endpoint_generation.h"

#include "feedback/endpoint_spec.h"
#include "pipeline/run/stage_generation.h"

namespace rlrf::pipeline {

std::unique_ptr<feedback::ChatEndpoint> makeGeneratorEndpoint(const PipelineOptions &options)
{
    if (options.generator.empty())
        return nullptr;
    const auto spec = feedback::parseEndpointSpec(options.generator, "generator");
    feedback::EndpointConfig config;
    config.baseUrl = spec.baseUrl;
    config.model = spec.model;
    config.apiKeyEnv = "RLRF_GENERATOR_API_KEY";
    config.concurrency = static_cast<int>(options.generatorRequests);
    // A long answer from a busy server takes a while; a dead one is still found
    // by the connect timeout.
    config.requestTimeoutSeconds = 300.0;
    return std::make_unique<feedback::ChatEndpoint>(config);
}

std::vector<feedback::ChatRequest> answerRequests(const std::vector<prompts::Messages> &conversations,
                                                  const AnswerSettings &settings)
{
    std::vector<feedback::ChatRequest> requests;
    requests.reserve(conversations.size() * static_cast<std::size_t>(settings.n));
    std::uint64_t index = 0;
    for (const auto &messages : conversations)
        for (std::int64_t k = 0; k < settings.n; ++k, ++index) {
            feedback::ChatRequest r;
            r.messages = nlohmann::json(messages);
            r.temperature = settings.temperature;
            r.topP = settings.topP;
            r.maxTokens = static_cast<int>(settings.maxNewTokens);
            // llama.cpp server reads the seed as 32 bits, and its -1 means "random".
            r.seed = (settings.seed + index) & 0x7fffffffULL;
            requests.push_back(std::move(r));
        }
    return requests;
}

std::optional<std::vector<std::string>> endpointReplies(const feedback::ChatEndpoint &endpoint,
                                                        const std::vector<feedback::ChatRequest> &requests,
                                                        const RunContext &context)
{
    // Progress is the stage loop's, per batch of prompts; per request it would
    // only make the console and the Run area jump.
    RunContext quiet = context;
    quiet.onProgress = [](const Progress &) {};
    auto replies = endpoint.completeRequests(requests, quiet);
    if (replies.size() < requests.size())
        return std::nullopt; // stopped: a batch is stored whole or not at all
    return replies;
}

} // namespace rlrf::pipeline
