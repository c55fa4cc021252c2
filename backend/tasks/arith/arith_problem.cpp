// SPDX-License-Identifier: GPL-3.0-or-later
// Operators and the canonical rendering of arithmetic solutions.
#include "tasks/arith/arith_problem.h"

namespace rlrf::tasks {

char symbol(ArithOp op)
{
    switch (op) {
    case ArithOp::Add: return '+';
    case ArithOp::Sub: return '-';
    case ArithOp::Mul: return '*';
    case ArithOp::Div: return '/';
    }
    return '?';
}

std::optional<ArithOp> opFromSymbol(char c)
{
    switch (c) {
    case '+': return ArithOp::Add;
    case '-': return ArithOp::Sub;
    case '*': return ArithOp::Mul;
    case '/': return ArithOp::Div;
    default: return std::nullopt;
    }
}

std::optional<long> apply(ArithOp op, long a, long b)
{
    switch (op) {
    case ArithOp::Add: return a + b;
    case ArithOp::Sub: return a - b;
    case ArithOp::Mul: return a * b;
    case ArithOp::Div:
        if (b == 0 || a % b != 0)
            return std::nullopt;
        return a / b;
    }
    return std::nullopt;
}

std::vector<long> ArithProblem::storyNumbers() const
{
    std::vector<long> numbers;
    if (steps.empty())
        return numbers;
    numbers.push_back(steps.front().left);
    for (const auto &s : steps)
        numbers.push_back(s.right);
    return numbers;
}

std::string ArithProblem::canonical() const
{
    std::string text;
    for (const auto &s : steps)
        text += std::to_string(s.left) + " " + symbol(s.op) + " " + std::to_string(s.right) + " = "
            + std::to_string(s.result) + "\n";
    return text + "Answer: " + std::to_string(answer());
}

} // namespace rlrf::tasks
