// An OpenAI-compatible /v1/chat/completions endpoint (vLLM, SGLang, TGI, llama.cpp
// server, Ollama): retries with exponential back-off on timeouts, dropped
// connections, 429 and 5xx; a clear error naming the URL and the cause otherwise.
// Judges ask with the configured temperature; the pipeline's sample and refine
// stages ask with their own sampling settings per request (ChatRequest).
#pragma once

#include "feedback/chat_model.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rlrf::feedback {

struct EndpointConfig {
    std::string baseUrl;       // "http://127.0.0.1:8000" (with or without a trailing /v1)
    std::string model;         // the served model name
    // The API key: `apiKey` when set (the GUI hands in the value from the system
    // keychain), otherwise $apiKeyEnv or the file named by ${apiKeyEnv}_FILE (the
    // CLI; see api_key_source.h); empty apiKeyEnv = no environment lookup. It is
    // sent only in the Authorization header and never written to the project file,
    // logs or errors; text the server echoes back has it replaced by "[redacted]".
    std::string apiKeyEnv = "RLRF_API_KEY";
    std::string apiKey;        // set at run time only
    double connectTimeoutSeconds = 10.0;
    double requestTimeoutSeconds = 120.0;
    int maxRetries = 3;        // attempts after the first one
    double backoffSeconds = 0.5; // doubled after each failed attempt
    double maxBackoffSeconds = 8.0;
    int concurrency = 4;       // requests in flight at once in a batch
    double temperature = 0.0;
    int maxTokens = 1024;
};

// The full URL of the chat completions route for a base URL.
std::string chatCompletionsUrl(const std::string &baseUrl);

// One request with its own sampling settings. Only what is set is sent, so a
// server that does not know top_p or seed is never handed them by a judge.
struct ChatRequest {
    nlohmann::json messages;           // [{role, content}, ...]
    double temperature = 0.0;
    std::optional<double> topP;
    int maxTokens = 1024;
    // vLLM, llama.cpp server and OpenAI take a per-request seed: the same seed
    // draws the same answer again where the server is deterministic (a resumed
    // batch). Sent as given; callers keep it below 2^31 (llama.cpp reads 32 bits).
    std::optional<std::uint64_t> seed;
};

class ChatEndpoint : public ChatModel {
public:
    explicit ChatEndpoint(EndpointConfig config);

    std::string id() const override;
    // The assistant message's content. Throws rlrf::Error when every attempt failed
    // or the server's answer is not an OpenAI chat completion. Thread-safe: each
    // call uses its own connection.
    std::string complete(const nlohmann::json &messages, const CancelToken *cancel = nullptr) const override;
    // Up to config.concurrency requests in flight; the first failure stops the batch
    // and is thrown once in-flight requests end.
    std::vector<std::string> completeBatch(const std::vector<nlohmann::json> &conversations,
                                           const RunContext &context) const override;

    // The same with each request's own sampling settings (config's temperature and
    // maxTokens are not used). Retries, redaction and errors as for complete().
    std::string complete(const ChatRequest &request, const CancelToken *cancel = nullptr) const;
    // In request order, up to config.concurrency in flight; the first failure is
    // thrown once in-flight requests end; on cancel the finished prefix.
    std::vector<std::string> completeRequests(const std::vector<ChatRequest> &requests,
                                              const RunContext &context) const;

    // The request as it goes over the wire (without the API key, which travels
    // in a header only).
    nlohmann::json requestBody(const ChatRequest &request) const;

    const EndpointConfig &config() const { return m_config; }
    const std::string &url() const { return m_url; }

private:
    // A judge's request: config's temperature and maxTokens, no top_p or seed.
    ChatRequest judgeRequest(const nlohmann::json &messages) const;

    EndpointConfig m_config;
    std::string m_url;
};

} // namespace rlrf::feedback
