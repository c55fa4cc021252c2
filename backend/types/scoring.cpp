// SPDX-License-Identifier: GPL-3.0-or-later
// Weighted mean of applicable ratings; the rules are in scoring.h.
#include "types/scoring.h"

#include "core/error.h"

#include <cmath>

namespace rlrf::feedback {
namespace {

void checkRating(const AspectRating &r)
{
    if (r.rating < kNotApplicable || r.rating > 3)
        throw Error("rating " + std::to_string(r.rating) + " is outside 1-3 (0 = not applicable)",
                    {{}, 0, r.aspect});
}

const RubricAspect &findAspect(const Rubric &rubric, const std::string &name)
{
    for (const auto &a : rubric.aspects)
        if (a.name == name)
            return a;
    throw Error("aspect is not in rubric '" + rubric.name + "'", {{}, 0, name});
}

} // namespace

std::optional<double> overallScore(const std::vector<AspectRating> &ratings)
{
    Rubric equal;
    equal.name = "equal weights";
    for (const auto &r : ratings)
        equal.aspects.push_back(RubricAspect{r.aspect, {}, {}, 1.0, true});
    return overallScore(ratings, equal);
}

std::optional<double> overallScore(const std::vector<AspectRating> &ratings, const Rubric &rubric)
{
    double weighted = 0.0;
    double totalWeight = 0.0;
    for (const auto &r : ratings) {
        checkRating(r);
        const RubricAspect &aspect = findAspect(rubric, r.aspect);
        if (!std::isfinite(aspect.weight) || aspect.weight < 0.0)
            throw Error("aspect weight must be a finite number >= 0, got " + std::to_string(aspect.weight),
                        {{}, 0, r.aspect});
        if (r.rating == kNotApplicable || !aspect.applies)
            continue;
        weighted += aspect.weight * (r.rating - 1) / 2.0;
        totalWeight += aspect.weight;
    }
    if (totalWeight <= 0.0)
        return std::nullopt;
    return weighted / totalWeight;
}

} // namespace rlrf::feedback
