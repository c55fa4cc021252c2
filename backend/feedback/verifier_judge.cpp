#include "feedback/verifier_judge.h"

#include "core/error.h"
#include "tasks/arith/arith_task.h"
#include "tasks/bfcl/bfcl_verifier.h"
#include "tasks/countdown/countdown_verifier.h"
#include "tasks/gsm8k/gsm8k_verifier.h"

#include <nlohmann/json.hpp>

namespace rlrf::feedback {
namespace {

const char *nameOf(VerifierJudge::Kind kind)
{
    switch (kind) {
    case VerifierJudge::Kind::Arith: return "arith";
    case VerifierJudge::Kind::Gsm8k: return "gsm8k";
    case VerifierJudge::Kind::Countdown: return "countdown";
    case VerifierJudge::Kind::Bfcl: return "bfcl";
    }
    return "?";
}

nlohmann::json referenceJson(const JudgeRequest &request, const char *verifier)
{
    try {
        return nlohmann::json::parse(*request.reference);
    } catch (const nlohmann::json::exception &e) { // parse_error, and out_of_range for numbers like 1e99999
        throw Error(std::string("the ") + verifier + " verifier's reference is not JSON: " + e.what(), {"", 0, "reference"});
    }
}

tasks::Verdict verify(VerifierJudge::Kind kind, const JudgeRequest &request)
{
    using Kind = VerifierJudge::Kind;
    if (kind == Kind::Arith) {
        const auto problem = tasks::ArithTask::problemFromPrompt(request.prompt);
        tasks::Problem p;
        p.prompt = request.prompt;
        p.answer = std::to_string(problem.answer());
        return tasks::ArithTask().verify(p, request.response);
    }
    if (!request.reference || request.reference->empty())
        throw Error(std::string("the ") + nameOf(kind) + " verifier needs the prompt's reference answer",
                    {"", 0, "reference"});
    switch (kind) {
    case Kind::Gsm8k: {
        const std::string &ref = *request.reference;
        const std::string number = ref.find("####") != std::string::npos ? tasks::gsm8kReferenceAnswer(ref) : ref;
        return tasks::verifyGsm8k(number, request.response);
    }
    case Kind::Countdown: {
        const auto json = referenceJson(request, "countdown");
        tasks::CountdownProblem problem;
        try {
            problem.numbers = json.at("numbers").get<std::vector<std::int64_t>>();
            problem.target = json.at("target").get<std::int64_t>();
        } catch (const nlohmann::json::exception &) {
            throw Error("the countdown reference must be {\"numbers\": [..], \"target\": N}", {"", 0, "reference"});
        }
        return tasks::verifyCountdown(problem, request.response);
    }
    case Kind::Bfcl:
        return tasks::verifyBfcl(request.response, referenceJson(request, "bfcl"));
    case Kind::Arith:
        break;
    }
    return {};
}

} // namespace

VerifierJudge::VerifierJudge(Kind kind)
    : m_kind(kind)
{
}

VerifierJudge::Kind VerifierJudge::kindFromName(const std::string &name)
{
    for (Kind k : {Kind::Arith, Kind::Gsm8k, Kind::Countdown, Kind::Bfcl})
        if (name == nameOf(k))
            return k;
    throw Error("no verifier for task '" + name + "' (arith, gsm8k, countdown, bfcl)", {"", 0, "task"});
}

std::string VerifierJudge::id() const
{
    return std::string("verifier:") + nameOf(m_kind);
}

Critique VerifierJudge::judge(const JudgeRequest &request, const Rubric &rubric)
{
    const tasks::Verdict verdict = verify(m_kind, request);
    Critique critique;
    critique.judge = id();
    critique.reward = verdict.correct ? 1.0 : 0.0;
    critique.overall = *critique.reward;
    critique.rawOutput = verdict.reason;
    for (const auto &aspect : rubric.aspects)
        critique.aspects.push_back({aspect.name, kNotApplicable,
                                    "not rated: the " + std::string(nameOf(m_kind)) + " verifier checks only the final answer ("
                                        + verdict.reason + ")"});
    return critique;
}

} // namespace rlrf::feedback
