// SPDX-License-Identifier: GPL-3.0-or-later
// The self-reflection the demo model learns to write after a failed arith attempt
// (Reflect, Retry, Reward): which step went wrong first, what kind of mistake it
// was and what to do about it, and never a number from the problem, so the retry
// still has to recompute. Torch-free.
#pragma once

#include "tasks/arith/arith_problem.h"

#include <string>

namespace rlrf::demo {

/// Built from the rule judge's mistake finder; a generic reflection when it finds
/// nothing (an attempt the verifier failed for another reason).
std::string arithReflection(const tasks::ArithProblem &problem, const std::string &failedAttempt);

} // namespace rlrf::demo
