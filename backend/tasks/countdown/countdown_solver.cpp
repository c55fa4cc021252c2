// SPDX-License-Identifier: GPL-3.0-or-later
#include "tasks/countdown/countdown_solver.h"

#include "tasks/rational.h"

#include <utility>
#include <vector>

namespace rlrf::tasks {
namespace {

struct Term {
    Rational value;
    std::string text; // parenthesised unless a plain number
};

bool search(std::vector<Term> &terms, const Rational &target, std::string &found)
{
    if (terms.size() == 1) {
        if (!(terms[0].value == target))
            return false;
        found = terms[0].text;
        return true;
    }
    for (std::size_t i = 0; i < terms.size(); ++i)
        for (std::size_t j = 0; j < terms.size(); ++j) {
            if (i == j)
                continue;
            const Term a = terms[i], b = terms[j];
            // + and * are tried once per pair; - and / in both orders.
            const std::pair<char, std::optional<Rational>> results[] = {
                {'+', i < j ? a.value.add(b.value) : std::nullopt},
                {'*', i < j ? a.value.multiply(b.value) : std::nullopt},
                {'-', a.value.subtract(b.value)},
                {'/', a.value.divide(b.value)}};
            std::vector<Term> rest;
            for (std::size_t k = 0; k < terms.size(); ++k)
                if (k != i && k != j)
                    rest.push_back(terms[k]);
            for (const auto &[op, value] : results) {
                if (!value)
                    continue;
                rest.push_back({*value, "(" + a.text + " " + op + " " + b.text + ")"});
                if (search(rest, target, found))
                    return true;
                rest.pop_back();
            }
        }
    return false;
}

} // namespace

std::optional<std::string> solveCountdown(const CountdownProblem &problem)
{
    if (problem.numbers.empty() || problem.numbers.size() > kMaxSolverNumbers)
        return std::nullopt;
    std::vector<Term> terms;
    for (const auto n : problem.numbers)
        terms.push_back({Rational(n), std::to_string(n)});
    std::string found;
    if (!search(terms, Rational(problem.target), found))
        return std::nullopt;
    if (found.size() > 1 && found.front() == '(')
        found = found.substr(1, found.size() - 2); // the outermost pair says nothing
    return found;
}

} // namespace rlrf::tasks
