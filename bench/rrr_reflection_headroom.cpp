// SPDX-License-Identifier: GPL-3.0-or-later
// How much a reflection can do for the retry on a demo task (Reflect, Retry,
// Reward): for the held-out problems a model's greedy first try fails, the share
// the greedy retry solves with each kind of reflection in context —
//   model     the model's own greedy reflection (what evaluation uses);
//   none      an empty reflection;
//   generic   "I made a mistake. I will solve it again step by step.";
//   oracle    the task's perfect reflection (Task::oracleReflection): on arith
//             the first wrong step and its kind, then the chain worked out
//             again; on Countdown an equation that reaches the target;
//   diagnosis (arith only) the first wrong step and its kind alone (the form
//             the shipped arith-demo model learned);
//   sampled   G reflections sampled at temperature 1, each with a greedy retry:
//             their mean, and the share where at least one of the G works.
// If the oracle row is far above the model row, better reflections are worth
// learning; the sampled rows say how often GRPO can see a reflection that works.
// The last line is JSON for scripts: {"oracle": a, "own": b, "n": N}, the
// oracle's and the model's own (greedy) share of the N first-try failures.
// Usage: [SHOW=K] [TASK=arith|countdown] bench_rrr_reflection_headroom MODEL_DIR [N=500] [G=8] [TEST_SEED=0] [REFLECTION_TOKENS=64]
#include "model/text_model.h"
#include "pipeline/rrr/policy_sampler.h"
#include "tasks/arith/arith_reflection.h"
#include "tasks/arith/arith_task.h"
#include "tasks/task_registry.h"
#include "types/prompt_formats.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace rlrf;

namespace {

struct Failure {
    tasks::Problem problem;
    std::string attempt;
};

// SHOW=K in the environment prints the first K failures with each kind of
// reflection and the retry it led to: the quickest way to see why retries fail.
std::size_t shownExamples()
{
    const char *show = std::getenv("SHOW");
    return show ? std::strtoul(show, nullptr, 10) : 0;
}

double solvedShare(const rrr::PolicySampler &sampler, const tasks::Task &task,
                   const std::vector<Failure> &failures, const std::vector<std::string> &reflections,
                   const char *label)
{
    std::vector<prompts::Messages> retry;
    for (std::size_t i = 0; i < failures.size(); ++i)
        retry.push_back(prompts::retryMessages(failures[i].problem.prompt, failures[i].attempt, reflections[i]));
    const auto retries = sampler.sample(retry, {1, 0.0, 96, 0});
    std::size_t solved = 0;
    for (std::size_t i = 0; i < failures.size(); ++i)
        solved += task.verify(failures[i].problem, retries[i].text).correct ? 1 : 0;
    const std::size_t shown = std::min(failures.size(), shownExamples());
    for (std::size_t i = 0; i < shown; ++i)
        std::printf("--- %s, failure %zu\n%s\n[attempt]\n%s\n[reflection]\n%s\n[retry]\n%s\n", label, i,
                    failures[i].problem.prompt.c_str(), failures[i].attempt.c_str(), reflections[i].c_str(),
                    retries[i].text.c_str());
    return failures.empty() ? 0.0 : static_cast<double>(solved) / static_cast<double>(failures.size());
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: [TASK=arith|countdown] %s MODEL_DIR [N=500] [G=8] [TEST_SEED=0] [REFLECTION_TOKENS=64]\n",
                     argv[0]);
        return 2;
    }
    const std::size_t n = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 500;
    const std::int64_t g = argc > 3 ? std::strtol(argv[3], nullptr, 10) : 8;
    const std::uint64_t seed = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 0;
    const std::int64_t reflectionTokens = argc > 5 ? std::strtol(argv[5], nullptr, 10) : 64;
    const auto policy = model::TextModel::load(argv[1]);
    const rrr::PolicySampler sampler(policy, 64);
    const char *taskName = std::getenv("TASK");
    const auto taskPointer = tasks::makeTask(taskName && *taskName ? taskName : "arith");
    const tasks::Task &task = *taskPointer;
    const bool arith = task.name() == "arith";
    const auto problems = task.problems(tasks::Split::Test, n, seed);

    std::vector<prompts::Messages> first;
    for (const auto &p : problems)
        first.push_back(prompts::answerMessages(p.prompt));
    const auto attempts = sampler.sample(first, {1, 0.0, 96, 0});
    std::vector<Failure> failures;
    for (std::size_t i = 0; i < problems.size(); ++i)
        if (!task.verify(problems[i], attempts[i].text).correct)
            failures.push_back({problems[i], attempts[i].text});

    std::vector<prompts::Messages> reflect;
    for (const auto &f : failures)
        reflect.push_back(prompts::reflectionMessages(f.problem.prompt, f.attempt));
    const auto greedy = sampler.sample(reflect, {1, 0.0, reflectionTokens, 0});
    const auto sampled = sampler.sample(reflect, {g, 1.0, reflectionTokens, 1});

    std::vector<std::string> own, none(failures.size()), generic(failures.size()), oracle, diagnosis;
    for (std::size_t i = 0; i < failures.size(); ++i) {
        own.push_back(greedy[i].text);
        generic[i] = "I made a mistake. I will solve it again step by step.";
        oracle.push_back(task.oracleReflection(failures[i].problem, failures[i].attempt).value_or(""));
        if (arith)
            diagnosis.push_back(
                demo::arithReflection(tasks::ArithTask::problemFromPrompt(failures[i].problem.prompt), failures[i].attempt));
    }
    std::printf("model %s: %zu held-out problems, %zu failed at the first (greedy) try\n\n", argv[1], problems.size(),
                failures.size());
    std::printf("%-34s %s\n", "reflection in the retry's context", "failures solved by the greedy retry");
    const double ownShare = solvedShare(sampler, task, failures, own, "own");
    std::printf("%-34s %.3f\n", "model (greedy)", ownShare);
    std::printf("%-34s %.3f\n", "none (empty)", solvedShare(sampler, task, failures, none, "none"));
    std::printf("%-34s %.3f\n", "generic", solvedShare(sampler, task, failures, generic, "generic"));
    if (arith)
        std::printf("%-34s %.3f\n", "diagnosis (step and kind only)",
                    solvedShare(sampler, task, failures, diagnosis, "diagnosis"));
    const double oracleShare = solvedShare(sampler, task, failures, oracle, "oracle");
    std::printf("%-34s %.3f\n", arith ? "oracle (chain worked again)" : "oracle (a working equation)", oracleShare);

    // Sampled reflections: one greedy retry each.
    std::vector<Failure> repeated;
    std::vector<std::string> texts;
    for (std::size_t i = 0; i < failures.size(); ++i)
        for (std::int64_t k = 0; k < g; ++k) {
            repeated.push_back(failures[i]);
            texts.push_back(sampled[i * static_cast<std::size_t>(g) + static_cast<std::size_t>(k)].text);
        }
    std::vector<prompts::Messages> retry;
    for (std::size_t j = 0; j < repeated.size(); ++j)
        retry.push_back(prompts::retryMessages(repeated[j].problem.prompt, repeated[j].attempt, texts[j]));
    const auto retries = sampler.sample(retry, {1, 0.0, 96, 0});
    std::size_t solved = 0, anySolved = 0, spread = 0;
    for (std::size_t i = 0; i < failures.size(); ++i) {
        std::size_t inGroup = 0;
        for (std::int64_t k = 0; k < g; ++k)
            inGroup += task.verify(failures[i].problem, retries[i * static_cast<std::size_t>(g) + static_cast<std::size_t>(k)].text).correct;
        solved += inGroup;
        anySolved += inGroup > 0;
        spread += inGroup > 0 && inGroup < static_cast<std::size_t>(g);
    }
    const double f = std::max<double>(1.0, static_cast<double>(failures.size()));
    std::printf("%-34s %.3f\n", ("sampled (T 1), mean of " + std::to_string(g)).c_str(),
                static_cast<double>(solved) / (f * static_cast<double>(g)));
    std::printf("%-34s %.3f\n", ("sampled (T 1), any of " + std::to_string(g)).c_str(), static_cast<double>(anySolved) / f);
    std::printf("%-34s %.3f\n", "groups with reward spread", static_cast<double>(spread) / f);
    std::printf("{\"oracle\": %.3f, \"own\": %.3f, \"n\": %zu}\n", oracleShare, ownShare, failures.size());
    return 0;
}
