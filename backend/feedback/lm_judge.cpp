#include "feedback/lm_judge.h"

#include "core/logging.h"
#include "feedback/judge_parser.h"
#include "feedback/judge_prompt.h"
#include "types/scoring.h"

namespace rlrf::feedback {
namespace {

// A parsed critique gets its overall score from the rubric's weights; a failed one
// keeps 0 and its failure status, never a made-up score.
Critique scored(Critique critique, const Rubric &rubric)
{
    if (critique.parseStatus == ParseStatus::Ok)
        critique.overall = overallScore(critique.aspects, rubric).value_or(0.0);
    return critique;
}

} // namespace

LanguageModelJudge::LanguageModelJudge(std::shared_ptr<const ChatModel> model)
    : m_model(std::move(model))
{
}

Critique LanguageModelJudge::settle(Critique first, const std::string &secondAnswer, const Rubric &rubric)
{
    Critique second = scored(parseJudgeOutput(secondAnswer, rubric), rubric);
    if (second.parseStatus != ParseStatus::Ok) {
        ++m_parseFailures;
        // Keep both answers for inspection; the reason given is the latest one.
        second.rawOutput = first.rawOutput + "\n----- retry -----\n" + second.rawOutput;
    }
    second.judge = id();
    return second;
}

Critique LanguageModelJudge::judge(const JudgeRequest &request, const Rubric &rubric)
{
    const auto messages = buildJudgeMessages(request, rubric);
    Critique critique = scored(parseJudgeOutput(m_model->complete(messages, nullptr), rubric), rubric);
    critique.judge = id();
    if (critique.parseStatus == ParseStatus::Ok)
        return critique;
    ++m_parseRetries;
    log::get("feedback")->warn("judge answer not parsed ({}); asking once more", critique.parseError);
    return settle(std::move(critique), m_model->complete(messages, nullptr), rubric);
}

std::vector<Critique> LanguageModelJudge::judgeBatch(const std::vector<JudgeRequest> &requests, const Rubric &rubric,
                                                     const RunContext &context)
{
    std::vector<nlohmann::json> conversations;
    conversations.reserve(requests.size());
    for (const auto &r : requests)
        conversations.push_back(buildJudgeMessages(r, rubric));
    const auto answers = m_model->completeBatch(conversations, context);

    std::vector<Critique> out;
    std::vector<size_t> retry;
    for (size_t i = 0; i < answers.size(); ++i) {
        out.push_back(scored(parseJudgeOutput(answers[i], rubric), rubric));
        out.back().judge = id();
        if (out.back().parseStatus != ParseStatus::Ok)
            retry.push_back(i);
    }
    if (retry.empty())
        return out;
    m_parseRetries += static_cast<int>(retry.size());
    log::get("feedback")->warn("{} of {} judge answers not parsed; asking once more", retry.size(), answers.size());
    std::vector<nlohmann::json> again;
    for (size_t i : retry)
        again.push_back(conversations[i]);
    const auto second = m_model->completeBatch(again, context);
    if (second.size() < retry.size()) {
        // Cancelled during the retry: keep only what is settled, in order.
        out.resize(retry[second.size()]);
    }
    for (size_t k = 0; k < second.size(); ++k)
        out[retry[k]] = settle(std::move(out[retry[k]]), second[k], rubric);
    return out;
}

} // namespace rlrf::feedback
