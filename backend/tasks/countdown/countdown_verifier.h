// SPDX-License-Identifier: GPL-3.0-or-later
// The Countdown verifier (Reflect-Retry-Reward's equation task): an equation must
// use each given number exactly once, only + - * / and parentheses, and equal
// the target, computed with exact fractions.
//
// Which text is the equation: the content of the last <answer>...</answer> in the
// response if there is one, else its last non-blank line. It may end in
// "= N", where N must be the target. Fractions along the way are allowed by
// default ((1 / 2) * 4 = 2); CountdownRules::wholeIntermediates forbids them.
#pragma once

#include "tasks/task.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::tasks {

struct CountdownProblem {
    std::vector<std::int64_t> numbers;
    std::int64_t target = 0;
};

struct CountdownRules {
    bool wholeIntermediates = false;
};

/// The equation text a response offers (see above); empty if there is none.
std::string extractCountdownEquation(const std::string &response);

/// Checks one equation; the reason names the first rule it breaks.
Verdict verifyCountdownEquation(const CountdownProblem &problem, const std::string &equation,
                                CountdownRules rules = {});

/// extractCountdownEquation, then verifyCountdownEquation.
Verdict verifyCountdown(const CountdownProblem &problem, const std::string &response, CountdownRules rules = {});

/// Reads JSONL lines {"input": "30,100,93", "output": "23"}; throws rlrf::Error
/// naming the file, line and field of the first bad record.
std::vector<CountdownProblem> readCountdownProblems(const std::string &path);

} // namespace rlrf::tasks
