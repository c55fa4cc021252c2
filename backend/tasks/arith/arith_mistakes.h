// SPDX-License-Identifier: GPL-3.0-or-later
// The mistakes in an arith response, found by walking its step lines against the
// problem's chain of steps. The rule judge turns them into ratings and critique.
//
// Step lines are matched to story events in the story's order; a right answer
// reached in another order is rated down (missing, wrong and extra steps). +
// and * may take their two numbers in either order. A step that uses the next event's operation and number
// means the current event was skipped (a missing step). A step right after an
// unreadable line is not checked for chaining (the chain may pass through that
// line, which already counts as malformed).
#pragma once

#include "tasks/arith/arith_problem.h"

#include <string>
#include <vector>

namespace rlrf::feedback {

enum class ArithMistakeKind {
    ArithmeticSlip,     // the stated result is not a op b            (Logical Correctness)
    NotChained,         // the step does not start from the previous result (Logical Correctness)
    AnswerMismatch,     // the Answer line differs from the last result (Logical Correctness)
    WrongStoryNumber,   // a story number or result meant for another event (Factuality)
    NumberNotInStory,   // a number found nowhere in the story or results (Factuality)
    MissingStep,        // a story event has no step                  (Completeness)
    MissingAnswerLine,  // no "Answer: N" line                        (Completeness)
    WrongOperation,     // the operation does not fit the story event (Comprehension)
    ExtraStep,          // a step for an event the story does not have (Comprehension)
    MalformedLine,      // neither "a op b = c" nor "Answer: N"       (Readability)
    DuplicateAnswerLine // more than one Answer line                  (Readability)
};

struct ArithMistake {
    ArithMistakeKind kind;
    int step = 0; // 1-based story step it concerns (0 = none)
    int line = 0; // 1-based response line (one past the end for what is missing)
};

/// "arithmetic slip", "wrong operation", ...
const char *kindName(ArithMistakeKind kind);
/// The rubric aspect the mistake counts against.
const char *aspectOf(ArithMistakeKind kind);
/// What is wrong and what to do, in words and without any number from the
/// problem, so a refinement has to recompute.
const char *advice(ArithMistakeKind kind);

/// All mistakes in response line order.
std::vector<ArithMistake> findArithMistakes(const tasks::ArithProblem &problem, const std::string &response);

} // namespace rlrf::feedback
