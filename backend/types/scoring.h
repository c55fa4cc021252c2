// SPDX-License-Identifier: GPL-3.0-or-later
// The overall score of a critique (METHOD.md §1): the weighted mean of the
// applicable aspect ratings, each mapped from [1, 3] to [0, 1] as (r - 1) / 2.
//
// Aspects rated kNotApplicable (0), and aspects the rubric marks as not applying,
// are left out. When nothing is left (no applicable aspect, or all weights 0)
// there is no score: the functions return std::nullopt and callers must not rank
// such a critique, rather than inventing 0 or 1.
#pragma once

#include "types/critique.h"
#include "types/rubric.h"

#include <optional>
#include <vector>

namespace rlrf::feedback {

/// Every aspect weighs 1. Throws rlrf::Error naming the aspect for a rating
/// outside {0, 1, 2, 3}.
std::optional<double> overallScore(const std::vector<AspectRating> &ratings);

/// Weights and applicability from `rubric`. Throws rlrf::Error naming the aspect
/// for a rating outside {0, 1, 2, 3}, an aspect the rubric does not have, or a
/// negative or non-finite weight.
std::optional<double> overallScore(const std::vector<AspectRating> &ratings, const Rubric &rubric);

} // namespace rlrf::feedback
