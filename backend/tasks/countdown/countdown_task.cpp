// SPDX-License-Identifier: GPL-3.0-or-later
// Generation, splits, prompts and verification of the Countdown task.
#include "tasks/countdown/countdown_task.h"

#include "core/error.h"
#include "tasks/countdown/countdown_solver.h"
#include "tasks/split_mix.h"

#include <algorithm>
#include <optional>
#include <sstream>
#include <unordered_set>

namespace rlrf::tasks {
namespace {

const char *const kPromptStart = "Using the numbers ";
const char *const kPromptTarget = ", write an equation that equals ";
const char *const kPromptEnd =
    ". Use each number exactly once, with + - * / and parentheses. Put the equation on the last line.";

struct Term {
    std::int64_t value = 0;
    std::string text;
    bool compound = false; // needs parentheses when it becomes an operand
};

std::string operand(const Term &t)
{
    return t.compound ? "(" + t.text + ")" : t.text;
}

// a op b with whole, positive values (no x1 or /1: they would make a number
// free to use anywhere); nothing when the operation does not fit.
std::optional<Term> combine(const Term &a, const Term &b, int op)
{
    static const char *const symbols[] = {" + ", " - ", " * ", " / "};
    Term out;
    switch (op) {
    case 0: out.value = a.value + b.value; break;
    case 1:
        if (a.value <= b.value)
            return std::nullopt;
        out.value = a.value - b.value;
        break;
    case 2:
        if (a.value == 1 || b.value == 1 || a.value * b.value > 1000000)
            return std::nullopt;
        out.value = a.value * b.value;
        break;
    default:
        if (b.value <= 1 || a.value % b.value != 0)
            return std::nullopt;
        out.value = a.value / b.value;
        break;
    }
    out.text = operand(a) + symbols[op] + operand(b);
    out.compound = true;
    return out;
}

// One random puzzle with its reference equation, or nothing when this draw did
// not reach a target in range (the caller draws again).
std::optional<std::pair<CountdownProblem, std::string>> randomPuzzle(SplitMix64 &rng, const CountdownConfig &c)
{
    const auto count = static_cast<int>(rng.uniform(c.minNumbers, c.maxNumbers));
    CountdownProblem problem;
    std::vector<Term> pool;
    for (int i = 0; i < count; ++i) {
        const auto n = static_cast<std::int64_t>(rng.uniform(1, static_cast<long>(c.maxNumber)));
        problem.numbers.push_back(n);
        pool.push_back({n, std::to_string(n), false});
    }
    while (pool.size() > 1) {
        const std::size_t i = rng.index(pool.size());
        std::size_t j = rng.index(pool.size() - 1);
        if (j >= i)
            ++j;
        const auto combined = combine(pool[i], pool[j], static_cast<int>(rng.uniform(0, 3)));
        if (!combined)
            return std::nullopt;
        pool[std::min(i, j)] = *combined;
        pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(std::max(i, j)));
    }
    if (pool[0].value < 1 || pool[0].value > c.maxTarget)
        return std::nullopt;
    problem.target = pool[0].value;
    return std::make_pair(problem, pool[0].text + " = " + std::to_string(problem.target));
}

std::uint64_t streamSeed(std::uint64_t seed, Split split)
{
    const std::uint64_t hashed = SplitMix64(seed ^ 0xC0C0D0D0ull).next();
    return SplitMix64(hashed ^ (0xD1B54A32D192ED03ull * (static_cast<std::uint64_t>(split) + 1))).next();
}

std::int64_t wholeAfter(const std::string &text, std::size_t &pos, const std::string &prompt)
{
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
        ++pos;
    if (pos == start || pos - start > 9)
        throw Error("not a Countdown prompt (expected a number at position " + std::to_string(start) + "): " + prompt,
                    {{}, 0, "prompt"});
    return std::stoll(text.substr(start, pos - start));
}

void expect(const std::string &text, std::size_t &pos, const std::string &part, const std::string &prompt)
{
    if (text.compare(pos, part.size(), part) != 0)
        throw Error("not a Countdown prompt (expected \"" + part + "\" at position " + std::to_string(pos)
                        + "): " + prompt,
                    {{}, 0, "prompt"});
    pos += part.size();
}

} // namespace

std::string countdownReflection(const std::string &equation)
{
    return "My equation did not reach the target with each number used once. One that does: " + equation;
}

std::string countdownPuzzleKey(const CountdownProblem &problem)
{
    auto numbers = problem.numbers;
    std::sort(numbers.begin(), numbers.end());
    std::string key;
    for (std::size_t i = 0; i < numbers.size(); ++i)
        key += (i ? "," : "") + std::to_string(numbers[i]);
    return key + "|" + std::to_string(problem.target);
}

CountdownTask::CountdownTask(CountdownConfig config)
    : m_config(std::move(config))
{
    if (m_config.minNumbers < 2 || m_config.maxNumbers > 6 || m_config.minNumbers > m_config.maxNumbers)
        throw Error("countdown numbers per puzzle must satisfy 2 <= min <= max <= 6", {{}, 0, "numbers"});
    if (m_config.maxNumber < 2 || m_config.maxNumber > 10000)
        throw Error("countdown max_number must be in 2..10000", {{}, 0, "max_number"});
    if (m_config.maxTarget < 1 || m_config.maxTarget > 1000000)
        throw Error("countdown max_target must be in 1..1000000", {{}, 0, "max_target"});
    if (!m_config.testFile.empty()) {
        m_fileProblems = readCountdownProblems(m_config.testFile);
        if (m_fileProblems.empty())
            throw Error("no Countdown problems in the file", {m_config.testFile, 0, {}});
        for (const auto &p : m_fileProblems)
            m_fileKeys.insert(countdownPuzzleKey(p));
    }
}

Split CountdownTask::splitOf(const CountdownProblem &problem)
{
    const auto bucket = fnv1a64(countdownPuzzleKey(problem)) % 10;
    return bucket < 8 ? Split::Train : bucket == 8 ? Split::Validation : Split::Test;
}

std::string CountdownTask::promptFor(const CountdownProblem &problem)
{
    std::string text = kPromptStart;
    for (std::size_t i = 0; i < problem.numbers.size(); ++i)
        text += (i ? ", " : "") + std::to_string(problem.numbers[i]);
    return text + kPromptTarget + std::to_string(problem.target) + kPromptEnd;
}

CountdownProblem CountdownTask::problemFromPrompt(const std::string &prompt)
{
    CountdownProblem problem;
    std::size_t pos = 0;
    expect(prompt, pos, kPromptStart, prompt);
    problem.numbers.push_back(wholeAfter(prompt, pos, prompt));
    while (prompt.compare(pos, 2, ", ") == 0 && prompt.compare(pos, std::string(kPromptTarget).size(), kPromptTarget) != 0) {
        pos += 2;
        problem.numbers.push_back(wholeAfter(prompt, pos, prompt));
    }
    expect(prompt, pos, kPromptTarget, prompt);
    problem.target = wholeAfter(prompt, pos, prompt);
    expect(prompt, pos, kPromptEnd, prompt);
    if (pos != prompt.size())
        throw Error("not a Countdown prompt (text after the instructions): " + prompt, {{}, 0, "prompt"});
    return problem;
}

std::vector<Problem> CountdownTask::problems(Split split, std::size_t count, std::uint64_t seed) const
{
    if (split == Split::Test && !m_fileProblems.empty())
        return fromFile(count, seed);
    return generated(split, count, seed);
}

std::vector<Problem> CountdownTask::generated(Split split, std::size_t count, std::uint64_t seed) const
{
    SplitMix64 rng(streamSeed(seed, split));
    std::vector<Problem> out;
    std::unordered_set<std::string> seen;
    const std::size_t maxAttempts = 10000 + 2000 * count;
    for (std::size_t attempt = 0; out.size() < count; ++attempt) {
        if (attempt >= maxAttempts)
            throw Error("could only generate " + std::to_string(out.size()) + " distinct Countdown problems of "
                            + toString(split) + "; ask for fewer or widen the ranges",
                        {{}, 0, "count"});
        const auto puzzle = randomPuzzle(rng, m_config);
        if (!puzzle)
            continue;
        const auto key = countdownPuzzleKey(puzzle->first);
        if (splitOf(puzzle->first) != split || m_fileKeys.count(key) || !seen.insert(key).second)
            continue;
        out.push_back({"countdown/" + std::string(toString(split)) + "/" + std::to_string(seed) + "/"
                           + std::to_string(out.size()),
                       promptFor(puzzle->first), std::to_string(puzzle->first.target), puzzle->second});
    }
    return out;
}

std::vector<Problem> CountdownTask::fromFile(std::size_t count, std::uint64_t seed) const
{
    if (count > m_fileProblems.size())
        throw Error("the test file has " + std::to_string(m_fileProblems.size()) + " problems, "
                        + std::to_string(count) + " were asked for",
                    {m_config.testFile, 0, "count"});
    std::vector<std::size_t> order(m_fileProblems.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    SplitMix64 rng(streamSeed(seed, Split::Test));
    for (std::size_t i = order.size(); i > 1; --i) // Fisher-Yates with the portable generator
        std::swap(order[i - 1], order[rng.index(i)]);
    std::vector<Problem> out;
    for (std::size_t i = 0; i < count; ++i) {
        const auto &p = m_fileProblems[order[i]];
        out.push_back({"countdown/file/" + std::to_string(order[i] + 1), promptFor(p), std::to_string(p.target), {}});
    }
    return out;
}

Verdict CountdownTask::verify(const Problem &problem, const std::string &response) const
{
    try {
        return verifyCountdown(problemFromPrompt(problem.prompt), response);
    } catch (const Error &e) {
        return {false, e.message()};
    }
}

std::optional<std::string> CountdownTask::oracleReflection(const Problem &problem, const std::string &) const
{
    try {
        const auto solution = solveCountdown(problemFromPrompt(problem.prompt));
        if (!solution)
            return std::nullopt;
        return countdownReflection(*solution);
    } catch (const std::exception &) {
        return std::nullopt; // a prompt in another form
    }
}

} // namespace rlrf::tasks
