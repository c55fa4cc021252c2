#include "feedback/human_judge.h"

#include "core/error.h"
#include "types/scoring.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace rlrf::feedback {
namespace {

bool sameName(const std::string &a, const std::string &b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

} // namespace

Critique humanCritique(const std::string &person, const std::vector<HumanRating> &ratings, const Rubric &rubric,
                       const std::optional<Critique> &base)
{
    if (person.empty())
        throw Error("a human rating needs the rater's name", {"", 0, "person"});
    Critique out;
    out.judge = "human:" + person;
    nlohmann::json provenance{{"rated_by", person}, {"aspects", nlohmann::json::array()}};
    if (base)
        provenance["base_judge"] = base->judge;

    for (const auto &r : ratings) {
        const auto it = std::find_if(rubric.aspects.begin(), rubric.aspects.end(),
                                     [&](const RubricAspect &a) { return sameName(a.name, r.aspect); });
        if (it == rubric.aspects.end())
            throw Error("the rubric has no aspect '" + r.aspect + "'", {"", 0, r.aspect});
        if (!it->applies)
            throw Error("aspect '" + it->name + "' does not apply to this task", {"", 0, it->name});
        if (r.rating < 1 || r.rating > 3)
            throw Error("rating must be 1, 2 or 3, got " + std::to_string(r.rating), {"", 0, it->name});
        if (r.rationale.find_first_not_of(" \t\r\n") == std::string::npos)
            throw Error("a rating needs a rationale", {"", 0, it->name});
    }
    for (const auto &aspect : rubric.aspects) {
        const auto mine = std::find_if(ratings.begin(), ratings.end(),
                                       [&](const HumanRating &r) { return sameName(r.aspect, aspect.name); });
        if (mine != ratings.end()) {
            out.aspects.push_back({aspect.name, mine->rating, mine->rationale});
            provenance["aspects"].push_back(aspect.name);
            continue;
        }
        if (!aspect.applies) {
            out.aspects.push_back({aspect.name, kNotApplicable, "does not apply"});
            continue;
        }
        const AspectRating *fromBase = nullptr;
        if (base)
            for (const auto &a : base->aspects)
                if (sameName(a.aspect, aspect.name) && a.rating != kNotApplicable)
                    fromBase = &a;
        if (!fromBase)
            throw Error("aspect '" + aspect.name + "' has no rating (rate it, or start from a judged critique)",
                        {"", 0, aspect.name});
        out.aspects.push_back(*fromBase);
    }
    out.overall = overallScore(out.aspects, rubric).value_or(0.0);
    if (base)
        out.reward = base->reward;
    out.rawOutput = provenance.dump();
    return out;
}

} // namespace rlrf::feedback
