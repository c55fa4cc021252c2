// SPDX-License-Identifier: GPL-3.0-or-later
#include "demo/countdown_demo_data.h"

#include "core/error.h"
#include "tasks/countdown/countdown_expression.h"
#include "tasks/countdown/countdown_solver.h"
#include "tasks/countdown/countdown_task.h"

#include <algorithm>
#include <random>

namespace rlrf::demo {

namespace {

struct Term {
    std::string text;
    bool compound = false;
};

std::string operand(const Term &t)
{
    return t.compound ? "(" + t.text + ")" : t.text;
}

// The numbers combined pairwise in a random order with random operations,
// written like the solver writes (compound operands in parentheses).
std::string randomEquation(std::vector<std::int64_t> numbers, std::mt19937_64 &rng)
{
    static const char *const symbols[] = {" + ", " - ", " * ", " / "};
    std::vector<Term> pool;
    for (const auto n : numbers)
        pool.push_back({std::to_string(n), false});
    while (pool.size() > 1) {
        const std::size_t i = std::uniform_int_distribution<std::size_t>(0, pool.size() - 1)(rng);
        std::size_t j = std::uniform_int_distribution<std::size_t>(0, pool.size() - 2)(rng);
        if (j >= i)
            ++j;
        const int op = std::uniform_int_distribution<int>(0, 3)(rng);
        Term combined{operand(pool[i]) + symbols[op] + operand(pool[j]), true};
        pool[std::min(i, j)] = combined;
        pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(std::max(i, j)));
    }
    return pool[0].text;
}

bool solves(const tasks::CountdownProblem &p, const std::string &equation)
{
    return tasks::verifyCountdownEquation(p, equation).correct;
}

// A wrong equation that claims the target: mostly the puzzle's own numbers put
// together wrongly, sometimes the solution with one number changed (a copy slip).
std::string wrongAttempt(const tasks::CountdownProblem &p, const std::string &solution, std::mt19937_64 &rng)
{
    const std::string claim = " = " + std::to_string(p.target);
    if (std::uniform_int_distribution<int>(0, 3)(rng) == 0) {
        auto numbers = p.numbers;
        const std::size_t k = std::uniform_int_distribution<std::size_t>(0, numbers.size() - 1)(rng);
        const auto old = std::to_string(numbers[k]);
        const auto at = solution.find(old);
        for (int tries = 0; tries < 10 && at != std::string::npos; ++tries) {
            const auto other = std::uniform_int_distribution<std::int64_t>(1, 100)(rng);
            std::string changed = solution;
            changed.replace(at, old.size(), std::to_string(other));
            if (!solves(p, changed))
                return changed + claim;
        }
    }
    for (int tries = 0; tries < 50; ++tries) {
        const auto equation = randomEquation(p.numbers, rng);
        const auto value = tasks::evaluateExpression(equation);
        if (value.ok && !solves(p, equation))
            return equation + claim;
    }
    // Every arrangement works (rare with three numbers): an equation without the last number.
    return std::to_string(p.numbers.front()) + claim;
}

} // namespace

std::vector<DemoExample> makeCountdownDemoExamples(const DemoDataOptions &options)
{
    if (options.refinements != 0)
        throw Error("the countdown demo data has no refinements (RLRF's refinement feedback is the arith rule judge's); "
                    "ask for 0");
    const tasks::CountdownTask task;
    const std::size_t total = options.answers + options.reflections + options.extraRetries;
    const auto problems = task.problems(tasks::Split::Train, total, options.seed);
    std::mt19937_64 rng(options.seed * 0x9E3779B97F4A7C15ull + 29);
    std::vector<DemoExample> examples;
    examples.reserve(options.answers + 2 * options.reflections + options.extraRetries);
    for (std::size_t i = 0; i < total; ++i) {
        const auto &problem = problems[i];
        const auto puzzle = tasks::CountdownTask::problemFromPrompt(problem.prompt);
        // The generator only makes solvable puzzles, so the solver finds one.
        const std::string solution = tasks::solveCountdown(puzzle).value_or(
            problem.canonical.substr(0, problem.canonical.rfind(" = ")));
        const std::string answer = solution + " = " + std::to_string(puzzle.target);
        if (i < options.answers) {
            examples.push_back({"answer", prompts::answerMessages(problem.prompt), answer});
            continue;
        }
        const std::string attempt = wrongAttempt(puzzle, solution, rng);
        const std::string reflection = tasks::countdownReflection(solution);
        if (i < options.answers + options.reflections)
            examples.push_back({"reflection", prompts::reflectionMessages(problem.prompt, attempt), reflection});
        examples.push_back({"retry", prompts::retryMessages(problem.prompt, attempt, reflection), answer});
    }
    std::shuffle(examples.begin(), examples.end(), rng);
    return examples;
}

} // namespace rlrf::demo
