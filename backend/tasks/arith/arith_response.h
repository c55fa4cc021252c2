// SPDX-License-Identifier: GPL-3.0-or-later
// An arith response read line by line: step lines "a op b = c", the answer line,
// and anything else. What the rule judge works on.
//
// A step line is, after optional spaces: a whole number, an operator (+ - * /),
// a whole number, '=', a whole number, then optional spaces; spaces between the
// parts are optional. Numbers have no sign and at most 9 digits. Blank lines are
// ignored; every other line is "other" (a malformed line).
#pragma once

#include "tasks/arith/arith_problem.h"

#include <optional>
#include <string>
#include <vector>

namespace rlrf::tasks {

struct ResponseLine {
    enum class Kind { Step, Answer, Other };
    Kind kind = Kind::Other;
    int number = 0;                 // 1-based line in the response
    ArithStep step;                 // Kind::Step: as written (result as stated)
    std::optional<long> answer;     // Kind::Answer: the number, if well-formed
};

std::vector<ResponseLine> readArithResponse(const std::string &response);

/// One step line, or nothing.
std::optional<ArithStep> parseStepLine(const std::string &line);

} // namespace rlrf::tasks
