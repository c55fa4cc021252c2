// A language-model judge behind an OpenAI-compatible endpoint. The answer is parsed
// strictly; a failed parse is retried once, counted, and recorded with the raw text.
#pragma once

#include "feedback/chat_endpoint.h"
#include "feedback/judge.h"

#include <atomic>

namespace rlrf::feedback {

class EndpointJudge : public Judge {
public:
    explicit EndpointJudge(EndpointConfig config);

    std::string id() const override;
    Critique judge(const JudgeRequest &request, const Rubric &rubric) override;
    // Up to config.concurrency requests in flight; results in request order. The
    // first transport failure stops the batch and is thrown after in-flight work ends.
    std::vector<Critique> judgeBatch(const std::vector<JudgeRequest> &requests, const Rubric &rubric,
                                     const RunContext &context) override;

    int parseFailures() const { return m_parseFailures; } // answers that failed twice
    int parseRetries() const { return m_parseRetries; }   // first answers that failed

private:
    Critique judgeOne(const JudgeRequest &request, const Rubric &rubric, const CancelToken *cancel);

    ChatEndpoint m_endpoint;
    std::atomic<int> m_parseFailures{0};
    std::atomic<int> m_parseRetries{0};
};

} // namespace rlrf::feedback
