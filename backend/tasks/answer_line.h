// SPDX-License-Identifier: GPL-3.0-or-later
// The final "Answer: N" line of an arithmetic response, read strictly enough that
// a model cannot collect reward by hedging.
//
// Accepted, on a line of its own: optional leading spaces, the word "Answer"
// (this capitalisation), optional spaces, ':', optional spaces, a whole number
// (optional '-', at most 18 digits), then optionally words without any digit
// ("Answer: 12 apples", "Answer: 12."), then spaces. A response must hold exactly
// one line that starts with "Answer": none, two (even if equal) or one whose
// number is missing or followed by more digits make the answer invalid.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rlrf::tasks {

/// The line starts (after spaces) with "Answer": it is meant as the answer line.
bool isAnswerLine(std::string_view line);

/// The number of a well-formed answer line; nothing if the line is malformed.
std::optional<long> parseAnswerLine(std::string_view line);

struct FinalAnswer {
    std::optional<long> value; // set only when the response has one well-formed answer line
    int line = 0;              // 1-based line of the answer line, 0 = none
    std::string problem;       // why there is no value: "no Answer line", ...
};

FinalAnswer findFinalAnswer(const std::string &response);

} // namespace rlrf::tasks
