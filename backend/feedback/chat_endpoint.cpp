#include "feedback/chat_endpoint.h"

#include "core/error.h"
#include "core/http_client.h"
#include "core/logging.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

namespace rlrf::feedback {
namespace {

std::string excerpt(const std::string &body)
{
    std::string s = body.substr(0, 200);
    std::replace(s.begin(), s.end(), '\n', ' ');
    return body.size() > 200 ? s + "…" : s;
}

struct Attempt {
    bool ok = false;
    bool retryable = false;
    std::string content;
    std::string problem;
};

Attempt interpret(const http::Response &r)
{
    Attempt a;
    if (!r.transportError.empty()) {
        a.retryable = true;
        a.problem = (r.timedOut ? "timed out: " : "connection failed: ") + r.transportError;
        return a;
    }
    if (r.status == 429 || r.status >= 500) {
        a.retryable = true;
        a.problem = "HTTP " + std::to_string(r.status) + ": " + excerpt(r.body);
        return a;
    }
    if (r.status != 200) {
        a.problem = "HTTP " + std::to_string(r.status) + " (not retried): " + excerpt(r.body);
        return a;
    }
    try {
        const auto json = nlohmann::json::parse(r.body);
        const auto &message = json.at("choices").at(0).at("message");
        const auto &content = message.at("content");
        if (!content.is_string())
            throw std::runtime_error("message.content is not a string");
        a.ok = true;
        a.content = content.get<std::string>();
    } catch (const std::exception &e) {
        // A truncated or garbled body can be a passing fault of the server: retry.
        a.retryable = true;
        a.problem = std::string("malformed chat completion (") + e.what() + "): " + excerpt(r.body);
    }
    return a;
}

bool sleepUnlessCancelled(double seconds, const CancelToken *cancel)
{
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < until) {
        if (cancel && cancel->stopRequested())
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

} // namespace

std::string chatCompletionsUrl(const std::string &baseUrl)
{
    std::string base = baseUrl;
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    if (base.size() >= 3 && base.compare(base.size() - 3, 3, "/v1") == 0)
        base.resize(base.size() - 3);
    return base + "/v1/chat/completions";
}

ChatEndpoint::ChatEndpoint(EndpointConfig config)
    : m_config(std::move(config))
    , m_url(chatCompletionsUrl(m_config.baseUrl))
{
    if (m_config.baseUrl.empty())
        throw Error("endpoint: no base URL given");
    if (m_config.model.empty())
        throw Error("endpoint " + m_url + ": no model name given");
    if (m_config.apiKey.empty() && !m_config.apiKeyEnv.empty())
        if (const char *key = std::getenv(m_config.apiKeyEnv.c_str()))
            m_config.apiKey = key;
}

std::string ChatEndpoint::complete(const nlohmann::json &messages, const CancelToken *cancel) const
{
    const nlohmann::json request = {{"model", m_config.model},
                                    {"messages", messages},
                                    {"temperature", m_config.temperature},
                                    {"max_tokens", m_config.maxTokens},
                                    {"stream", false}};
    const std::string body = request.dump();
    std::vector<std::string> headers;
    if (!m_config.apiKey.empty())
        headers.push_back("Authorization: Bearer " + m_config.apiKey);

    http::Client client;
    double backoff = m_config.backoffSeconds;
    std::string lastProblem;
    const int attempts = 1 + std::max(0, m_config.maxRetries);
    for (int attempt = 1; attempt <= attempts; ++attempt) {
        if (cancel && cancel->stopRequested())
            throw Error("endpoint " + m_url + ": cancelled");
        const Attempt a = interpret(client.postJson(
            m_url, body, headers, {m_config.connectTimeoutSeconds, m_config.requestTimeoutSeconds}));
        if (a.ok)
            return a.content;
        lastProblem = a.problem;
        if (!a.retryable)
            break;
        if (attempt < attempts) {
            log::get("feedback")->warn("endpoint {}: attempt {}/{} failed ({}); retrying in {:.1f} s", m_url, attempt,
                                       attempts, a.problem, backoff);
            if (!sleepUnlessCancelled(backoff, cancel))
                throw Error("endpoint " + m_url + ": cancelled");
            backoff = std::min(backoff * 2, m_config.maxBackoffSeconds);
        } else {
            lastProblem += " (after " + std::to_string(attempts) + " attempts)";
        }
    }
    throw Error("endpoint " + m_url + ": " + lastProblem);
}

} // namespace rlrf::feedback
