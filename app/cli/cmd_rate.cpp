// `rlrf rate FILE --candidate ID --aspect NAME --rating N --rationale TEXT --by NAME`:
// a person's rating, stored as a human critique beside the judge's.
#include "cli/command_registry.h"

#include "pipeline/critique/human_ratings.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace {

int runRate(const rlrf::cli::ParsedArgs &args)
{
    const auto aspects = args.values("aspect");
    const auto ratings = args.values("rating");
    const auto rationales = args.values("rationale");
    if (aspects.empty() || aspects.size() != ratings.size() || aspects.size() != rationales.size())
        throw rlrf::cli::UsageError("give --aspect, --rating and --rationale once for each aspect rated");
    std::vector<rlrf::feedback::HumanRating> list;
    for (size_t i = 0; i < aspects.size(); ++i) {
        if (ratings[i] != "1" && ratings[i] != "2" && ratings[i] != "3")
            throw rlrf::cli::UsageError("--rating must be 1, 2 or 3, got '" + ratings[i] + "'");
        list.push_back({aspects[i], ratings[i][0] - '0', rationales[i]});
    }
    auto project = rlrf::store::Project::open(args.positional.at(0));
    project.requireWritable("store ratings");
    const auto stored = rlrf::store::recordHumanRatings(project, args.intValue("candidate", 0), args.required("by"), list);
    std::cout << nlohmann::json{{"critique_id", stored.critiqueId}, {"judge", stored.critique.judge},
                                {"overall", stored.critique.overall}}
                     .dump()
              << "\n";
    return 0;
}

const rlrf::cli::RegisterCommand reg{{
    "rate",
    "store a person's aspect ratings for a candidate (a human critique)",
    "rlrf rate FILE --candidate ID --aspect NAME --rating 1|2|3 --rationale TEXT [--aspect ...] --by NAME",
    {{"candidate", "ID", "the candidate (or refinement) rated"},
     {"aspect", "NAME", "a rubric aspect (repeatable, paired with --rating and --rationale)", true},
     {"rating", "N", "1 fails, 2 partly meets, 3 fully meets", true},
     {"rationale", "TEXT", "why", true},
     {"by", "NAME", "who rates (stored as judge human:NAME)"}},
    1, 1,
    "Aspects not given keep the ratings of the candidate's newest judged critique; the judge's\n"
    "critique itself is kept unchanged.",
    runRate}};

} // namespace
