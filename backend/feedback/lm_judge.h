// The language-model judge: any ChatModel (a local model or an OpenAI-compatible
// endpoint) is prompted with the rubric and its answer parsed strictly. A failed
// parse is asked once more, counted, and recorded with the raw text; it is never
// replaced by a default score.
#pragma once

#include "feedback/chat_model.h"
#include "feedback/judge.h"

#include <atomic>
#include <memory>

namespace rlrf::feedback {

class LanguageModelJudge : public Judge {
public:
    explicit LanguageModelJudge(std::shared_ptr<const ChatModel> model);

    std::string id() const override { return m_model->id(); }
    Critique judge(const JudgeRequest &request, const Rubric &rubric) override;
    // The whole batch goes to the model at once (batched generation or concurrent
    // requests), then the unparsable answers once more. Transport failures throw.
    std::vector<Critique> judgeBatch(const std::vector<JudgeRequest> &requests, const Rubric &rubric,
                                     const RunContext &context) override;

    int parseFailures() const { return m_parseFailures; } // answers that failed twice
    int parseRetries() const { return m_parseRetries; }   // first answers that failed

private:
    Critique settle(Critique first, const std::string &secondAnswer, const Rubric &rubric);

    std::shared_ptr<const ChatModel> m_model;
    std::atomic<int> m_parseFailures{0};
    std::atomic<int> m_parseRetries{0};
};

} // namespace rlrf::feedback
