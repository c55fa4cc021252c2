// SPDX-License-Identifier: GPL-3.0-or-later
// A small exhaustive Countdown solver, for the task's oracle reflection: combine
// two of the remaining values with + - * / until one value is left, in a fixed
// order, so the same puzzle always gets the same equation. Exact fractions, as
// the verifier computes. Puzzles of more than kMaxSolverNumbers numbers are not
// searched (the search grows factorially).
#pragma once

#include "tasks/countdown/countdown_verifier.h"

#include <cstddef>
#include <optional>
#include <string>

namespace rlrf::tasks {

inline constexpr std::size_t kMaxSolverNumbers = 5;

/// An equation using each number once that equals the target ("4 * (3 + 5)"),
/// or nothing when there is none or the puzzle is too big to search.
std::optional<std::string> solveCountdown(const CountdownProblem &problem);

} // namespace rlrf::tasks
