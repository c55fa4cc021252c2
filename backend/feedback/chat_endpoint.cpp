#include "feedback/chat_endpoint.h"

#include "core/error.h"
#include "core/http_client.h"
#include "core/logging.h"
#include "feedback/api_key_source.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
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
        const auto content = message.find("content");
        if (content == message.end() || !content->is_string()) {
            // A well-formed answer with nothing to use: a reasoning model that spent
            // every token thinking, a tool call, a filtered reply. Asking again may
            // give one (sampling); if not, the error says what came back.
            const auto &choice = json["choices"][0];
            const std::string finish = choice.contains("finish_reason") && choice["finish_reason"].is_string()
                                           ? choice["finish_reason"].get<std::string>()
                                           : std::string("none");
            a.retryable = true;
            a.problem = std::string("reply without message content (") + (content == message.end() ? "no" : "non-text")
                        + " 'content', finish_reason " + finish + "): " + excerpt(r.body);
            return a;
        }
        a.ok = true;
        a.content = content->get<std::string>();
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
    if (m_config.apiKey.empty())
        m_config.apiKey = apiKeyFromEnvironment(m_config.apiKeyEnv);
    else
        checkApiKey(m_config.apiKey, "the settings of endpoint " + m_url);
}

std::string ChatEndpoint::id() const
{
    return "endpoint:" + m_config.baseUrl + "#" + m_config.model;
}

ChatRequest ChatEndpoint::judgeRequest(const nlohmann::json &messages) const
{
    ChatRequest request;
    request.messages = messages;
    request.temperature = m_config.temperature;
    request.maxTokens = m_config.maxTokens;
    return request;
}

std::vector<std::string> ChatEndpoint::completeBatch(const std::vector<nlohmann::json> &conversations,
                                                     const RunContext &context) const
{
    std::vector<ChatRequest> requests;
    requests.reserve(conversations.size());
    for (const auto &messages : conversations)
        requests.push_back(judgeRequest(messages));
    return completeRequests(requests, context);
}

std::vector<std::string> ChatEndpoint::completeRequests(const std::vector<ChatRequest> &requests,
                                                        const RunContext &context) const
{
    const size_t total = requests.size();
    std::vector<std::string> out(total);
    std::vector<bool> done(total, false);
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr firstError;
    std::mutex mutex;
    std::int64_t finished = 0;

    auto worker = [&] {
        for (size_t i = next++; i < total; i = next++) {
            if (failed || context.stopRequested())
                return;
            try {
                std::string reply = complete(requests[i], &context.cancel);
                std::lock_guard lock(mutex);
                out[i] = std::move(reply);
                done[i] = true;
                context.progress(++finished, static_cast<std::int64_t>(total), "request");
            } catch (...) {
                std::lock_guard lock(mutex);
                if (!firstError && !context.stopRequested())
                    firstError = std::current_exception();
                failed = true;
                return;
            }
        }
    };
    const int threads = std::max(1, std::min<int>(m_config.concurrency, static_cast<int>(total)));
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back(worker);
    for (auto &t : pool)
        t.join();
    if (firstError)
        std::rethrow_exception(firstError);
    // Cancelled: only the finished prefix, so callers can store results in order.
    size_t prefix = 0;
    while (prefix < total && done[prefix])
        ++prefix;
    out.resize(prefix);
    return out;
}

nlohmann::json ChatEndpoint::requestBody(const ChatRequest &request) const
{
    nlohmann::json body = {{"model", m_config.model},
                           {"messages", request.messages},
                           {"temperature", request.temperature},
                           {"max_tokens", request.maxTokens},
                           {"stream", false}};
    if (request.topP)
        body["top_p"] = *request.topP;
    if (request.seed)
        body["seed"] = *request.seed;
    return body;
}

std::string ChatEndpoint::complete(const nlohmann::json &messages, const CancelToken *cancel) const
{
    return complete(judgeRequest(messages), cancel);
}

std::string ChatEndpoint::complete(const ChatRequest &request, const CancelToken *cancel) const
{
    const std::string body = requestBody(request).dump();
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
        http::Response response = client.postJson(
            m_url, body, headers, {m_config.connectTimeoutSeconds, m_config.requestTimeoutSeconds});
        // A server may echo the Authorization header (in an error page, or a model
        // repeating its input): the key must not reach logs, errors or stored output.
        // The body is scrubbed before excerpts cut it, the content after JSON decoding.
        response.body = redactSecret(std::move(response.body), m_config.apiKey);
        const Attempt a = interpret(response);
        if (a.ok)
            return redactSecret(a.content, m_config.apiKey);
        lastProblem = a.problem;
        if (!a.retryable)
            break;
        if (attempt < attempts) {
            log::get("feedback")->warn("endpoint {}: attempt {}/{} failed ({}); retrying in {:.1f} s", m_url, attempt,
                                       attempts, lastProblem, backoff);
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
