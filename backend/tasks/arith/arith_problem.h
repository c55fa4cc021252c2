// SPDX-License-Identifier: GPL-3.0-or-later
// The arithmetic demo task's problem as data: a story, the chain of steps that
// solves it, and the canonical answer text. See METHOD.md §3.
//
// Operator symbols are ASCII (+ - * /): one byte each, friendly to a byte-level
// tokenizer, and the same symbols a user types.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace rlrf::tasks {

enum class ArithOp { Add, Sub, Mul, Div };

/// '+', '-', '*', '/'.
char symbol(ArithOp op);
/// The operator for an ASCII symbol, or nothing.
std::optional<ArithOp> opFromSymbol(char c);
/// a op b; nothing when the division is by zero or not exact.
std::optional<long> apply(ArithOp op, long a, long b);

/// One line of a solution: left op right = result.
struct ArithStep {
    ArithOp op = ArithOp::Add;
    long left = 0;
    long right = 0;
    long result = 0;
};

/// A word problem: the first step's left number is the story's starting amount,
/// every step's right number is the number of one story event, and each step's
/// left number is the previous step's result (the steps form a chain).
struct ArithProblem {
    std::string prompt;          // the story and its question
    std::vector<ArithStep> steps;

    long answer() const { return steps.empty() ? 0 : steps.back().result; }
    /// The numbers that appear in the story, in order.
    std::vector<long> storyNumbers() const;
    /// "a op b = c" per line, then "Answer: N".
    std::string canonical() const;
};

} // namespace rlrf::tasks
