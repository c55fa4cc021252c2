// SPDX-License-Identifier: GPL-3.0-or-later
// Countdown equation checks and the problem file reader; rules in the header.
#include "tasks/countdown/countdown_verifier.h"

#include "tasks/countdown/countdown_expression.h"

#include "core/error.h"
#include "core/jsonl_reader.h"

#include <algorithm>
#include <sstream>

namespace rlrf::tasks {
namespace {

std::string trim(const std::string &s)
{
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos)
        return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

std::string joined(std::vector<std::int64_t> v)
{
    std::sort(v.begin(), v.end());
    std::string s;
    for (auto n : v)
        s += (s.empty() ? "" : ",") + std::to_string(n);
    return s;
}

std::int64_t parseWhole(const std::string &text, const std::string &path, long line, const char *field)
{
    const std::string t = trim(text);
    if (t.empty() || t.size() > 15 || !std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw Error("expected a whole number, got '" + text + "'", {path, line, field});
    return std::stoll(t);
}

} // namespace

std::string extractCountdownEquation(const std::string &response)
{
    const auto open = response.rfind("<answer>");
    if (open != std::string::npos) {
        const auto start = open + 8;
        const auto close = response.find("</answer>", start);
        return trim(response.substr(start, close == std::string::npos ? std::string::npos : close - start));
    }
    std::istringstream in(response);
    std::string line, last;
    while (std::getline(in, line))
        if (!trim(line).empty())
            last = trim(line);
    return last;
}

Verdict verifyCountdownEquation(const CountdownProblem &problem, const std::string &equation, CountdownRules rules)
{
    std::string expr = equation;
    const auto eq = expr.find('=');
    if (eq != std::string::npos) {
        const std::string rhs = trim(expr.substr(eq + 1));
        const auto stated = evaluateExpression(rhs);
        if (!stated.ok || stated.numbers.size() != 1 || !(stated.value == Rational(problem.target)))
            return {false, "the right side of '=' must be the target " + std::to_string(problem.target)};
        expr = expr.substr(0, eq);
    }
    if (trim(expr).empty())
        return {false, "no equation"};
    const ExpressionResult r = evaluateExpression(expr, rules.wholeIntermediates);
    if (!r.ok)
        return {false, "cannot evaluate: " + r.error};
    if (joined(r.numbers) != joined(problem.numbers))
        return {false, "uses the numbers {" + joined(r.numbers) + "}, must use each of {" + joined(problem.numbers)
                           + "} exactly once"};
    if (!(r.value == Rational(problem.target)))
        return {false, "equals " + r.value.toString() + ", not the target " + std::to_string(problem.target)};
    return {true, "equals the target " + std::to_string(problem.target)};
}

Verdict verifyCountdown(const CountdownProblem &problem, const std::string &response, CountdownRules rules)
{
    const std::string equation = extractCountdownEquation(response);
    if (equation.empty())
        return {false, "no equation in the response"};
    return verifyCountdownEquation(problem, equation, rules);
}

std::vector<CountdownProblem> readCountdownProblems(const std::string &path)
{
    std::vector<CountdownProblem> problems;
    jsonl::forEachLine(path, [&](const nlohmann::json &record, long line) {
        if (!record.is_object())
            throw Error("expected a JSON object", {path, line, {}});
        for (const char *field : {"input", "output"})
            if (!record.contains(field) || !record[field].is_string())
                throw Error("missing or not a string", {path, line, field});
        CountdownProblem p;
        std::istringstream in(record["input"].get<std::string>());
        for (std::string part; std::getline(in, part, ',');)
            p.numbers.push_back(parseWhole(part, path, line, "input"));
        if (p.numbers.size() < 2)
            throw Error("expected at least two comma-separated numbers", {path, line, "input"});
        p.target = parseWhole(record["output"].get<std::string>(), path, line, "output");
        problems.push_back(std::move(p));
    });
    return problems;
}

} // namespace rlrf::tasks
