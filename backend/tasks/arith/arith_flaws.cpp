// SPDX-License-Identifier: GPL-3.0-or-later
#include "tasks/arith/arith_flaws.h"

#include <vector>

namespace rlrf::demo {

namespace {

using tasks::ArithOp;
using tasks::ArithStep;

std::string render(const std::vector<ArithStep> &steps, bool withAnswer)
{
    std::string text;
    for (const auto &s : steps)
        text += std::to_string(s.left) + " " + tasks::symbol(s.op) + " " + std::to_string(s.right) + " = "
            + std::to_string(s.result) + "\n";
    if (withAnswer && !steps.empty())
        text += "Answer: " + std::to_string(steps.back().result);
    else if (!text.empty())
        text.pop_back();
    return text;
}

// Recomputes steps from `from` on, each starting at the previous result; nothing
// when a result stops being a non-negative whole number.
bool rechain(std::vector<ArithStep> &steps, std::size_t from)
{
    for (std::size_t i = from; i < steps.size(); ++i) {
        if (i > 0) steps[i].left = steps[i - 1].result;
        const auto r = tasks::apply(steps[i].op, steps[i].left, steps[i].right);
        if (!r || *r < 0) return false;
        steps[i].result = *r;
    }
    return true;
}

std::size_t pick(std::size_t n, std::mt19937_64 &rng)
{
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
}

using Steps = std::optional<std::vector<ArithStep>>;

Steps slip(std::vector<ArithStep> steps, std::mt19937_64 &rng)
{
    static const long kDeltas[] = {-10, -2, -1, 1, 2, 10};
    const std::size_t k = pick(steps.size(), rng);
    const long wrong = steps[k].result + kDeltas[pick(std::size(kDeltas), rng)];
    if (wrong < 0) return std::nullopt;
    steps[k].result = wrong;
    if (!rechain(steps, k + 1)) return std::nullopt;
    return steps;
}

Steps wrongOperation(std::vector<ArithStep> steps, std::mt19937_64 &rng)
{
    static const ArithOp kOps[] = {ArithOp::Add, ArithOp::Sub, ArithOp::Mul, ArithOp::Div};
    const std::size_t k = pick(steps.size(), rng);
    const ArithOp op = kOps[pick(4, rng)];
    if (op == steps[k].op) return std::nullopt;
    steps[k].op = op;
    if (!rechain(steps, k)) return std::nullopt;
    return steps;
}

Steps wrongStoryNumber(const tasks::ArithProblem &problem, std::vector<ArithStep> steps,
                                            std::mt19937_64 &rng)
{
    const auto numbers = problem.storyNumbers();
    const std::size_t k = pick(steps.size(), rng);
    const long other = numbers[pick(numbers.size(), rng)];
    if (other == steps[k].right) return std::nullopt;
    steps[k].right = other;
    if (!rechain(steps, k)) return std::nullopt;
    return steps;
}

Steps missingStep(std::vector<ArithStep> steps, std::mt19937_64 &rng)
{
    if (steps.size() < 2) return std::nullopt;
    const std::size_t k = pick(steps.size(), rng);
    const long start = steps[k].left;
    steps.erase(steps.begin() + static_cast<std::ptrdiff_t>(k));
    if (k < steps.size()) steps[k].left = start;
    if (!rechain(steps, k)) return std::nullopt;
    return steps;
}

} // namespace

std::optional<std::string> flawedAnswer(const tasks::ArithProblem &problem, FlawKind kind, std::mt19937_64 &rng)
{
    if (problem.steps.empty()) return std::nullopt;
    Steps steps;
    switch (kind) {
    case FlawKind::ArithmeticSlip: steps = slip(problem.steps, rng); break;
    case FlawKind::WrongOperation: steps = wrongOperation(problem.steps, rng); break;
    case FlawKind::WrongStoryNumber: steps = wrongStoryNumber(problem, problem.steps, rng); break;
    case FlawKind::MissingStep: steps = missingStep(problem.steps, rng); break;
    case FlawKind::MissingAnswerLine: return render(problem.steps, false);
    }
    // A flaw that happens to land on the true answer (5 * 1 for 5 / 1) is no flaw
    // for the verifier: draw again.
    if (!steps || steps->back().result == problem.answer()) return std::nullopt;
    return render(*steps, true);
}

FlawKind drawFlawKind(std::mt19937_64 &rng)
{
    // Weights: slips dominate what a small model gets wrong; the rest keep every
    // aspect of the rubric in the training data.
    static const std::discrete_distribution<int> kMix({55, 15, 15, 10, 5});
    auto mix = kMix;
    return static_cast<FlawKind>(mix(rng));
}

std::string someFlawedAnswer(const tasks::ArithProblem &problem, std::mt19937_64 &rng)
{
    for (int attempt = 0; attempt < 20; ++attempt)
        if (auto text = flawedAnswer(problem, drawFlawKind(rng), rng))
            return *text;
    return *flawedAnswer(problem, FlawKind::MissingAnswerLine, rng);
}

} // namespace rlrf::demo
