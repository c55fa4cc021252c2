// SPDX-License-Identifier: GPL-3.0-or-later
// The self-reflection the demo models learn to write after a failed arith
// attempt (Reflect, Retry, Reward), in two forms:
//   diagnosis — which step went wrong first, what kind of mistake it was and
//               what to do about it, never a number from the problem, so the
//               retry still has to recompute (the shipped arith-demo model);
//   worked    — the same first line, then the whole chain worked out again, one
//               step per line and without the Answer line (the reflect request
//               says not to give the answer yet). A retry only has to copy it,
//               so what the retry can do rests on how good the reflection is:
//               the arith-reflect-demo model, and the task's oracle reflection.
// Torch-free.
#pragma once

#include "tasks/arith/arith_problem.h"

#include <string>

namespace rlrf::demo {

enum class ReflectionForm { Diagnosis, Worked };

/// "diagnosis", "worked".
const char *toString(ReflectionForm form);
/// Inverse of toString; throws rlrf::Error naming the text for anything else.
ReflectionForm parseReflectionForm(const std::string &text);

/// The diagnosis form. Built from the rule judge's mistake finder; a generic
/// reflection when it finds nothing (an attempt the verifier failed for another
/// reason).
std::string arithReflection(const tasks::ArithProblem &problem, const std::string &failedAttempt);

/// The worked form: "I made a mistake in step 3: arithmetic slip. Worked again:"
/// and the problem's steps, one "a op b = c" per line.
std::string arithWorkedReflection(const tasks::ArithProblem &problem, const std::string &failedAttempt);

/// The reflection of `form`.
std::string arithReflection(ReflectionForm form, const tasks::ArithProblem &problem, const std::string &failedAttempt);

} // namespace rlrf::demo
