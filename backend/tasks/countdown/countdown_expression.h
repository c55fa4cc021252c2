// SPDX-License-Identifier: GPL-3.0-or-later
// A small arithmetic expression reader for Countdown equations: whole numbers,
// + - * /, parentheses and spaces, nothing else (no unary minus, no decimals, no
// names: it evaluates text, never code). Values are exact fractions.
#pragma once

#include "tasks/rational.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::tasks {

struct ExpressionResult {
    bool ok = false;
    Rational value;
    std::vector<std::int64_t> numbers; // the number literals, in order of appearance
    std::string error;                 // when !ok: what and where ("division by zero at 7")
};

/// Evaluates `text`. With wholeIntermediates, a division that does not come out
/// whole is an error too (Countdown played with whole numbers only).
ExpressionResult evaluateExpression(const std::string &text, bool wholeIntermediates = false);

} // namespace rlrf::tasks
