// SPDX-License-Identifier: GPL-3.0-or-later
#include "feedback/endpoint_probe.h"

#include <chrono>

namespace rlrf::feedback {

EndpointProbeResult probeEndpoint(EndpointConfig config, const CancelToken *cancel)
{
    // A probe should answer within one timeout: a failing server is reported at
    // once instead of after the back-off a batch run would spend on it.
    config.maxRetries = 0;
    config.maxTokens = 8;
    config.temperature = 0.0;
    const ChatEndpoint endpoint(std::move(config));
    const nlohmann::json messages = nlohmann::json::array(
        {{{"role", "user"}, {"content", "Reply with the single word OK."}}});
    const auto start = std::chrono::steady_clock::now();
    std::string reply = endpoint.complete(messages, cancel);
    EndpointProbeResult result;
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.url = chatCompletionsUrl(endpoint.config().baseUrl);
    result.reply = reply.size() > 200 ? reply.substr(0, 200) + "…" : reply;
    return result;
}

} // namespace rlrf::feedback
