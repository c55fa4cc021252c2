// Human ratings: a person sets or overrides aspect ratings and rationales. The
// result is a critique of its own (judge "human:<name>"), never an edit of the
// judge's critique, so both stay visible with their provenance.
#pragma once

#include "types/critique.h"
#include "types/rubric.h"

#include <optional>
#include <string>
#include <vector>

namespace rlrf::feedback {

struct HumanRating {
    std::string aspect;    // a rubric aspect name (case-insensitive)
    int rating = 0;        // 1-3
    std::string rationale; // required: a rating without a reason teaches nothing
};

// Starts from `base` (the critique being overridden, if any) and applies the
// person's ratings. Aspects the person did not touch keep the base's rating and
// rationale; without a base every applicable aspect must be rated. Throws
// rlrf::Error naming the aspect for an unknown or not-applicable aspect, a rating
// outside 1-3 or an empty rationale. rawOutput records, as JSON, who rated what and
// which judge the other ratings came from; the overall score uses the rubric.
Critique humanCritique(const std::string &person, const std::vector<HumanRating> &ratings, const Rubric &rubric,
                       const std::optional<Critique> &base);

} // namespace rlrf::feedback
