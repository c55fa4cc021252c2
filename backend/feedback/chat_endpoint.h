// An OpenAI-compatible /v1/chat/completions endpoint (vLLM, SGLang, TGI, llama.cpp
// server, Ollama): retries with exponential back-off on timeouts, dropped
// connections, 429 and 5xx; a clear error naming the URL and the cause otherwise.
#pragma once

#include "feedback/chat_model.h"

#include <nlohmann/json.hpp>

#include <string>

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

    const EndpointConfig &config() const { return m_config; }

private:
    EndpointConfig m_config;
    std::string m_url;
};

} // namespace rlrf::feedback
