#include "feedback/judge_prompt.h"

#include <sstream>

namespace rlrf::feedback {

nlohmann::json buildJudgeMessages(const JudgeRequest &request, const Rubric &rubric)
{
    const std::string system =
        "You are a careful, strict evaluator of answers written by an AI assistant. "
        "You rate one answer on several aspects. Each aspect has three levels: "
        "1 = fails the criterion, 2 = partly meets it, 3 = fully meets it. "
        "For every aspect give the level that fits and a short rationale that points at "
        "the specific part of the answer that decided it.";

    std::ostringstream user;
    user << "## Instruction\n" << request.prompt << "\n\n## Answer to rate\n" << request.response << "\n\n";
    if (request.reference)
        user << "## Reference answer (for your judgement only)\n" << *request.reference << "\n\n";
    user << "## Aspects\n";
    int n = 0;
    std::ostringstream example;
    for (const auto &aspect : rubric.aspects) {
        if (!aspect.applies)
            continue;
        user << ++n << ". " << aspect.name << ": " << aspect.description << "\n";
        for (int level = 0; level < 3; ++level)
            user << "   " << level + 1 << " = " << aspect.levels[level] << "\n";
        example << (n > 1 ? ",\n  " : "  ") << "{\"aspect\": \"" << aspect.name
                << "\", \"rating\": <1, 2 or 3>, \"rationale\": \"<one or two sentences>\"}";
    }
    user << "\n## Answer format\nReply with exactly one JSON object and nothing else, rating every aspect "
            "above once, in this order:\n{\"ratings\": [\n"
         << example.str() << "\n]}\n";
    return nlohmann::json::array({{{"role", "system"}, {"content", system}}, {{"role", "user"}, {"content", user.str()}}});
}

} // namespace rlrf::feedback
