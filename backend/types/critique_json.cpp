// SPDX-License-Identifier: GPL-3.0-or-later
// JSON form of a critique; see critique_json.h.
#include "types/critique_json.h"

namespace rlrf::feedback {

nlohmann::json critiqueToJson(const Critique &critique)
{
    nlohmann::json aspects = nlohmann::json::array();
    for (const auto &a : critique.aspects)
        aspects.push_back({{"aspect", a.aspect}, {"rating", a.rating}, {"rationale", a.rationale}});
    nlohmann::json j = {
        {"judge", critique.judge},
        {"aspects", aspects},
        {"overall", critique.overall},
        {"reward", critique.reward ? nlohmann::json(*critique.reward) : nlohmann::json()},
        {"parse_status", critique.parseStatus == ParseStatus::Ok ? "ok" : "failed"},
        {"raw_output", critique.rawOutput},
    };
    if (!critique.parseError.empty())
        j["parse_error"] = critique.parseError;
    return j;
}

} // namespace rlrf::feedback
