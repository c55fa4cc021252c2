// SPDX-License-Identifier: GPL-3.0-or-later
// Generation, splits and verification of the arith task. Numbers stay small and
// whole: additions and subtractions of 2 to 20, multiplications by 2-5,
// divisions by 2-9 that come out exact, every amount between 1 and maxValue.
#include "tasks/arith/arith_task.h"

#include "tasks/answer_line.h"
#include "tasks/arith/arith_reflection.h"
#include "tasks/arith/arith_story.h"
#include "tasks/split_mix.h"

#include "core/error.h"

#include <algorithm>
#include <iterator>
#include <sstream>
#include <unordered_set>

namespace rlrf::tasks {
namespace {

// One step applied to `value`: an operator that keeps the amount in [1, maxValue]
// and a number for it. Story numbers are at least 2 ("1 more apples" reads
// badly). Addition needs value + 2 <= maxValue, subtraction value >= 3; one of
// them is always possible because maxValue >= 30.
ArithStep randomStep(SplitMix64 &rng, long value, long maxValue)
{
    std::vector<long> divisors;
    for (long d = 2; d <= 9; ++d)
        if (value % d == 0 && value / d >= 1)
            divisors.push_back(d);
    std::vector<ArithOp> ops;
    if (value + 2 <= maxValue)
        ops.push_back(ArithOp::Add);
    if (value >= 3)
        ops.push_back(ArithOp::Sub);
    if (value * 2 <= maxValue)
        ops.push_back(ArithOp::Mul);
    if (!divisors.empty())
        ops.push_back(ArithOp::Div);
    ArithStep step;
    step.left = value;
    step.op = ops[rng.index(ops.size())];
    switch (step.op) {
    case ArithOp::Add: step.right = rng.uniform(2, std::min(20L, maxValue - value)); break;
    case ArithOp::Sub: step.right = rng.uniform(2, std::min(20L, value - 1)); break;
    case ArithOp::Mul: step.right = rng.uniform(2, std::min(5L, maxValue / value)); break;
    case ArithOp::Div: step.right = divisors[rng.index(divisors.size())]; break;
    }
    step.result = *apply(step.op, step.left, step.right);
    return step;
}

ArithProblem randomProblem(SplitMix64 &rng, const ArithConfig &config)
{
    const int count = static_cast<int>(rng.uniform(config.minSteps, config.maxSteps));
    long value = rng.uniform(2, std::min(30L, config.maxValue));
    ArithProblem problem;
    arith_story::StoryChoice choice;
    choice.theme = rng.index(arith_story::themeCount());
    choice.object = rng.index(arith_story::objectCount(choice.theme));
    choice.name = rng.index(arith_story::nameCount());
    choice.friendName = (choice.name + 1 + rng.index(arith_story::nameCount() - 1)) % arith_story::nameCount();
    choice.startTemplate = rng.index(arith_story::startTemplateCount(choice.theme));
    choice.question = rng.index(arith_story::questionCount());
    for (int i = 0; i < count; ++i) {
        const ArithStep step = randomStep(rng, value, config.maxValue);
        problem.steps.push_back(step);
        choice.eventTemplates.push_back(rng.index(arith_story::eventTemplateCount(choice.theme, step.op)));
        value = step.result;
    }
    problem.prompt = arith_story::render(problem.steps, choice);
    return problem;
}

std::uint64_t streamSeed(std::uint64_t seed, Split split)
{
    // Hash the seed before use: SplitMix64 states that differ by its increment
    // are the same stream shifted by one. Separate streams per split, so asking
    // for the test split does not just filter the train split's sequence.
    const std::uint64_t hashed = SplitMix64(seed).next();
    return SplitMix64(hashed ^ (0xD1B54A32D192ED03ull * (static_cast<std::uint64_t>(split) + 1))).next();
}

std::string makeId(Split split, std::uint64_t seed, const ArithConfig &c, std::size_t index)
{
    return "arith/" + std::string(toString(split)) + "/" + std::to_string(seed) + "/"
        + std::to_string(c.minSteps) + "-" + std::to_string(c.maxSteps) + "/"
        + std::to_string(c.maxValue) + "/" + std::to_string(index);
}

} // namespace

ArithTask::ArithTask(ArithConfig config)
    : m_config(config)
{
    if (config.minSteps < 1 || config.maxSteps > 8 || config.minSteps > config.maxSteps)
        throw Error("arith steps must satisfy 1 <= min <= max <= 8, got " + std::to_string(config.minSteps)
                        + ".." + std::to_string(config.maxSteps),
                    {{}, 0, "steps"});
    if (config.maxValue < 30 || config.maxValue > 1000000)
        throw Error("arith maxValue must be in 30..1000000, got " + std::to_string(config.maxValue),
                    {{}, 0, "max_value"});
}

std::vector<ArithProblem> ArithTask::generate(Split split, std::size_t count, std::uint64_t seed) const
{
    SplitMix64 rng(streamSeed(seed, split));
    std::vector<ArithProblem> out;
    std::unordered_set<std::string> seen;
    // Nine in ten candidates belong to other splits or repeat; the cap only
    // stops a configuration that cannot produce `count` distinct problems.
    const std::size_t maxAttempts = 1000 + 200 * count;
    for (std::size_t attempt = 0; out.size() < count; ++attempt) {
        if (attempt >= maxAttempts)
            throw Error("could only generate " + std::to_string(out.size()) + " distinct problems of "
                            + toString(split) + "; ask for fewer or allow more steps",
                        {{}, 0, "count"});
        ArithProblem p = randomProblem(rng, m_config);
        if (splitOf(p) != split || !seen.insert(p.prompt).second)
            continue;
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<Problem> ArithTask::problems(Split split, std::size_t count, std::uint64_t seed) const
{
    std::vector<Problem> out;
    const auto generated = generate(split, count, seed);
    for (std::size_t i = 0; i < generated.size(); ++i) {
        const auto &p = generated[i];
        out.push_back({makeId(split, seed, m_config, i), p.prompt, std::to_string(p.answer()), p.canonical()});
    }
    return out;
}

Verdict ArithTask::verify(const Problem &problem, const std::string &response) const
{
    const FinalAnswer final = findFinalAnswer(response);
    if (!final.value)
        return {false, final.problem};
    const std::string given = std::to_string(*final.value);
    if (given == problem.answer)
        return {true, "answer " + given + " is right"};
    return {false, "answer " + given + " is wrong"};
}

std::optional<std::string> ArithTask::oracleReflection(const Problem &problem, const std::string &failedAttempt) const
{
    try {
        return demo::arithWorkedReflection(problemFromPrompt(problem.prompt), failedAttempt);
    } catch (const std::exception &) {
        return std::nullopt; // a prompt not in the story templates: no chain to work again
    }
}

Split ArithTask::splitOf(const ArithProblem &problem)
{
    const std::uint64_t bucket = fnv1a64(problem.canonical()) % 10;
    return bucket < 8 ? Split::Train : bucket == 8 ? Split::Validation : Split::Test;
}

ArithProblem ArithTask::problemFromPrompt(const std::string &prompt)
{
    const auto story = arith_story::parse(prompt);
    ArithProblem problem;
    problem.prompt = prompt;
    long value = story.start;
    for (std::size_t i = 0; i < story.events.size(); ++i) {
        const auto [op, number] = story.events[i];
        const auto result = apply(op, value, number);
        if (!result || *result < 0)
            throw Error("arith story step " + std::to_string(i + 1) + " (" + std::to_string(value) + " "
                            + symbol(op) + " " + std::to_string(number)
                            + ") has no whole, non-negative result",
                        {{}, 0, "prompt"});
        problem.steps.push_back({op, value, number, *result});
        value = *result;
    }
    return problem;
}

ArithTask::IdParts ArithTask::parseId(const std::string &id)
{
    std::vector<std::string> parts;
    std::istringstream in(id);
    for (std::string part; std::getline(in, part, '/');)
        parts.push_back(part);
    auto bad = [&] {
        return Error("not an arith problem id '" + id + "' (expected arith/SPLIT/SEED/MIN-MAX/MAXVALUE/INDEX)",
                     {{}, 0, "prompt_id"});
    };
    if (parts.size() != 6 || parts[0] != "arith")
        throw bad();
    const auto dash = parts[3].find('-');
    // Length limits keep every number below its type's range.
    const auto digits = [](const std::string &s, std::size_t most) {
        return !s.empty() && s.size() <= most && s.find_first_not_of("0123456789") == std::string::npos;
    };
    if (dash == std::string::npos || !digits(parts[2], 19) || !digits(parts[3].substr(0, dash), 2)
        || !digits(parts[3].substr(dash + 1), 2) || !digits(parts[4], 9) || !digits(parts[5], 6))
        throw bad();
    IdParts p;
    try {
        p.split = parseSplit(parts[1]);
    } catch (const Error &) {
        throw bad();
    }
    p.seed = std::stoull(parts[2]);
    p.config.minSteps = std::stoi(parts[3].substr(0, dash));
    p.config.maxSteps = std::stoi(parts[3].substr(dash + 1));
    p.config.maxValue = std::stol(parts[4]);
    p.index = std::stoul(parts[5]);
    p.list = id.substr(0, id.rfind('/'));
    return p;
}

ArithProblem ArithTask::problemFromId(const std::string &id)
{
    const IdParts p = parseId(id);
    return ArithTask(p.config).generate(p.split, p.index + 1, p.seed).back();
}

const ArithProblem &ArithIdCache::problem(const std::string &id)
{
    const ArithTask::IdParts p = ArithTask::parseId(id);
    auto it = std::find_if(m_lists.begin(), m_lists.end(), [&](const auto &l) { return l.first == p.list; });
    if (it == m_lists.end()) {
        m_lists.emplace_back(p.list, std::vector<ArithProblem>{});
        it = std::prev(m_lists.end());
    }
    auto &list = it->second;
    if (p.index >= list.size()) {
        // Doubling keeps the total work linear in the largest index asked for.
        const std::size_t count = std::max(p.index + 1, 2 * list.size());
        list = ArithTask(p.config).generate(p.split, count, p.seed);
    }
    return list[p.index];
}

} // namespace rlrf::tasks
