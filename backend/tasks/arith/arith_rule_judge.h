// SPDX-License-Identifier: GPL-3.0-or-later
// The rule judge of the arith demo task: fills the eight-aspect rubric for one
// response from the mistakes arith_mistakes.h finds, deterministically.
//
// Applicable aspects and what they check:
//   Logical Correctness  every step's arithmetic right, steps chained, Answer = last result
//   Factuality           every number is the story's number for that event (or a result)
//   Completeness         a step for every story event, and the Answer line
//   Comprehension        each operation fits its story event; no invented events
//   Readability          one step per line "a op b = c", then one "Answer: N"
// Rating per aspect: 3 = no mistake of its kinds, 2 = one, 1 = two or more; a
// response without any step line gets 1 on Logical Correctness, Factuality and
// Comprehension (nothing to check), and Readability is 1 when not one line is
// well-formed (garbage, or an empty response).
// Not applicable (rating 0): Metacognition (the problem is fully determined:
// nothing uncertain to acknowledge), Insightfulness (one fixed chain of steps:
// no room for insight), Harmlessness (fixed harmless templates, numbers only).
// The rationales name the first wrong step and the kind of mistake but never a
// corrected number. reward = the task verifier's 0/1; judge = "rule:arith".
#pragma once

#include "tasks/arith/arith_problem.h"
#include "types/critique.h"
#include "types/rubric.h"

#include <string>

namespace rlrf::feedback {

inline constexpr const char *kArithJudgeName = "rule:arith";

/// Never throws on any response text. The overall score weighs every
/// applicable aspect equally.
Critique judgeArith(const tasks::ArithProblem &problem, const std::string &response);

/// The same ratings, with the overall score from `rubric`'s weights and
/// applicability (scoring.h); throws rlrf::Error naming an aspect the rubric
/// lacks. An overall of 0 stands for "no score" when the rubric leaves nothing.
Critique judgeArith(const tasks::ArithProblem &problem, const std::string &response, const Rubric &rubric);

} // namespace rlrf::feedback
