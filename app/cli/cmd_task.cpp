// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf task sample`: prints generated problems of a task as JSONL, to look at
// the data and to feed scripts. Generation lives in backend/tasks.
#include "cli/command_registry.h"

#include "core/error.h"
#include "tasks/arith/arith_task.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace {

using rlrf::cli::UsageError;

long long boundedInt(const rlrf::cli::ParsedArgs &args, const std::string &name, long long fallback,
                     long long lo, long long hi)
{
    const long long v = args.intValue(name, fallback);
    if (v < lo || v > hi)
        throw UsageError("--" + name + " must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    return v;
}

int runSample(const rlrf::cli::ParsedArgs &args)
{
    const std::string task = args.required("task");
    if (task != "arith")
        throw UsageError("unknown task '" + task + "' (tasks with a generator: arith)");
    rlrf::tasks::Split split;
    try {
        split = rlrf::tasks::parseSplit(args.required("split"));
    } catch (const rlrf::Error &e) {
        throw UsageError(e.message());
    }
    args.required("n"); // a usage error when missing
    const auto n = static_cast<std::size_t>(boundedInt(args, "n", 0, 0, 1000000));
    const auto seed = static_cast<std::uint64_t>(boundedInt(args, "seed", 1, 0, INT64_MAX));
    rlrf::tasks::ArithConfig config;
    config.minSteps = static_cast<int>(boundedInt(args, "min-steps", config.minSteps, 1, 8));
    config.maxSteps = static_cast<int>(boundedInt(args, "max-steps", config.maxSteps, 1, 8));
    if (config.minSteps > config.maxSteps)
        throw UsageError("--min-steps must not exceed --max-steps");
    const rlrf::tasks::ArithTask arith(config);
    for (const auto &p : arith.problems(split, n, seed)) {
        const nlohmann::json line = {{"id", p.id}, {"prompt", p.prompt}, {"answer", p.answer}, {"canonical", p.canonical}};
        std::cout << line.dump() << '\n';
    }
    std::cout.flush();
    return 0;
}

rlrf::cli::RegisterCommand registerSample{{
    "task sample",
    "print generated problems of a task as JSONL",
    "rlrf task sample --task arith --split train|validation|test --n N [--seed S]",
    {
        {"task", "NAME", "the task; arith is the one with a generator"},
        {"split", "SPLIT", "train, validation or test (disjoint by a hash of the prompt)"},
        {"n", "N", "how many problems (0-1000000)"},
        {"seed", "S", "generator seed (default 1); the same seed gives the same problems"},
        {"min-steps", "A", "fewest arithmetic steps per problem (default 2)"},
        {"max-steps", "B", "most arithmetic steps per problem (default 4)"},
    },
    0,
    0,
    "Each line: {\"id\", \"prompt\", \"answer\", \"canonical\"}. The id can be given to\n"
    "`rlrf judge` as \"prompt_id\"; the canonical answer is one step per line\n"
    "(\"a op b = c\" with + - * /) followed by \"Answer: N\".",
    runSample,
}};

} // namespace
