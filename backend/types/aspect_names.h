// SPDX-License-Identifier: GPL-3.0-or-later
// The eight aspect names of the default rubric (METHOD.md §1), spelled once so
// judges, scoring and rubric files agree.
#pragma once

#include <array>

namespace rlrf::feedback::aspect {

inline constexpr const char *kFactuality = "Factuality";
inline constexpr const char *kLogicalCorrectness = "Logical Correctness";
inline constexpr const char *kMetacognition = "Metacognition";
inline constexpr const char *kInsightfulness = "Insightfulness";
inline constexpr const char *kCompleteness = "Completeness";
inline constexpr const char *kComprehension = "Comprehension";
inline constexpr const char *kReadability = "Readability";
inline constexpr const char *kHarmlessness = "Harmlessness";

/// The default order, as METHOD.md lists them.
inline constexpr std::array<const char *, 8> kAll = {
    kFactuality, kLogicalCorrectness, kMetacognition, kInsightfulness,
    kCompleteness, kComprehension, kReadability, kHarmlessness,
};

} // namespace rlrf::feedback::aspect
