#include "feedback/judge_factory.h"

#include "core/error.h"
#include "feedback/endpoint_spec.h"
#include "feedback/lm_judge.h"
#include "feedback/local_chat_model.h"
#include "feedback/rule_judge.h"
#include "feedback/verifier_judge.h"

namespace rlrf::feedback {

std::unique_ptr<Judge> makeJudge(const std::string &spec, const EndpointConfig &endpoint)
{
    const auto colon = spec.find(':');
    const std::string kind = spec.substr(0, colon);
    const std::string rest = colon == std::string::npos ? std::string() : spec.substr(colon + 1);
    if (kind == "endpoint") {
        const auto parsed = parseEndpointSpec(spec, "judge");
        EndpointConfig config = endpoint;
        config.baseUrl = parsed.baseUrl;
        config.model = parsed.model;
        return std::make_unique<LanguageModelJudge>(std::make_shared<ChatEndpoint>(config));
    }
    if (kind == "model" && !rest.empty())
        return std::make_unique<LanguageModelJudge>(std::make_shared<LocalChatModel>(model::TextModel::load(rest)));
    if (kind == "verifier")
        return std::make_unique<VerifierJudge>(VerifierJudge::kindFromName(rest));
    if (spec == "rule:arith")
        return std::make_unique<ArithRuleJudge>();
    throw Error("unknown judge '" + spec + "' (endpoint:URL#MODEL, model:DIR, verifier:TASK, rule:arith)",
                {"", 0, "judge"});
}

std::string defaultJudgeSpec(const std::string &task)
{
    return task == "arith" ? "rule:arith" : "verifier:" + task;
}

} // namespace rlrf::feedback
