// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf eval --model DIR --task arith --split test --n N`, or
// `rlrf eval FILE --iteration I ...` for M_I of a project (M0 = its model folder,
// M_I = the checkpoint an RLRF run registered): the verifier's accuracy
// of a model on problems of one split, and on request the spread of sampled
// answers and the refinement yield. With --json the last line of stdout is
// {"accuracy": x, "n": N}; scripts read that line.
#include "cli/command_registry.h"

#include "eval/task_eval.h"
#include "model/text_model.h"
#include "pipeline/run/iteration_models.h"
#include "store/project_file.h"
#include "tasks/arith/arith_rule_judge.h"
#include "tasks/arith/arith_task.h"
#include "tasks/task_registry.h"
#include "types/critique_text.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <optional>

namespace {

using rlrf::cli::UsageError;

rlrf::eval::TaskEvalOptions optionsFrom(const rlrf::cli::ParsedArgs &args)
{
    rlrf::eval::TaskEvalOptions o;
    o.split = args.value("split", "test");
    if (o.split != "train" && o.split != "validation" && o.split != "test")
        throw UsageError("--split must be train, validation or test");
    const long long n = args.intValue("n", 500);
    if (n <= 0) throw UsageError("--n must be positive");
    o.n = static_cast<std::size_t>(n);
    const long long seed = args.intValue("seed", 0);
    if (seed < 0) throw UsageError("--seed must be at least 0");
    o.seed = static_cast<std::uint64_t>(seed);
    o.temperature = args.doubleValue("temperature", 0.0);
    if (o.temperature < 0.0) throw UsageError("--temperature must be at least 0");
    const long long batch = args.intValue("batch-size", 64);
    if (batch <= 0) throw UsageError("--batch-size must be positive");
    o.batchSize = static_cast<std::size_t>(batch);
    return o;
}

// The rule judge's feedback; only the arith task has one that needs no model.
rlrf::eval::FeedbackFunction feedbackFor(const std::string &task)
{
    if (task != "arith")
        throw UsageError("--refine needs a task with a rule judge (arith)");
    return [](const rlrf::tasks::Problem &problem, const std::string &response) {
        const auto arith = rlrf::tasks::ArithTask::problemFromPrompt(problem.prompt);
        return rlrf::feedback::refinementFeedback(rlrf::feedback::judgeArith(arith, response));
    };
}

struct ModelAndTask {
    std::string modelDir;
    std::string task;
    std::string baseModel; // a LoRA run's M_I: the project's model folder, the adapter's base
};

// FILE --iteration I [--run R]: the project's task and its model M_I.
ModelAndTask projectModel(const rlrf::cli::ParsedArgs &args)
{
    if (!args.has("iteration"))
        throw UsageError("a project file needs --iteration (rlrf eval FILE --iteration I ...)");
    if (args.has("model") || args.has("task"))
        throw UsageError("give either FILE --iteration I or --model DIR --task NAME, not both");
    const long long iteration = args.intValue("iteration", 0);
    if (iteration < 0 || iteration > 1000)
        throw UsageError("--iteration must be between 0 and 1000");
    std::optional<std::int64_t> run;
    if (args.has("run"))
        run = args.intValue("run", 0);
    auto project = rlrf::store::Project::open(args.positional.at(0));
    const auto model = rlrf::pipeline::modelForIteration(project, static_cast<int>(iteration), run);
    return {model.folder, project.info().task, model.baseModel};
}

int runEval(const rlrf::cli::ParsedArgs &args)
{
    const auto options = optionsFrom(args);
    const auto chosen = args.positional.empty() ? ModelAndTask{args.required("model"), args.required("task"), {}}
                                                : projectModel(args);
    const std::string &taskName = chosen.task;
    const auto task = rlrf::tasks::makeTask(taskName);
    const auto model =
        rlrf::model::TextModel::load(chosen.modelDir, {args.value("device", "cpu"), "float32", chosen.baseModel});
    const bool json = args.has("json");
    const auto result = rlrf::eval::evaluateOnTask(model, *task, options);
    if (args.has("items"))
        for (const auto &item : result.items)
            std::cout << nlohmann::json{{"prompt_id", item.promptId}, {"response", item.response},
                                        {"correct", item.correct}}.dump() << "\n";
    if (!json) {
        std::printf("accuracy %.3f (%zu/%zu) on %s %s, seed %llu, %s, %.1f s\n", result.accuracy, result.correct,
                    result.n, taskName.c_str(), options.split.c_str(), static_cast<unsigned long long>(options.seed),
                    options.temperature == 0.0 ? "greedy" : ("temperature " + std::to_string(options.temperature)).c_str(),
                    result.seconds);
    }
    if (args.has("samples")) {
        const long long k = args.intValue("samples", 0);
        if (k < 2) throw UsageError("--samples must be at least 2");
        auto spreadOptions = options;
        if (spreadOptions.temperature == 0.0) spreadOptions.temperature = 0.8;
        const auto s = rlrf::eval::samplingSpread(model, *task, spreadOptions, static_cast<std::size_t>(k));
        if (json)
            std::cout << nlohmann::json{{"spread", {{"temperature", spreadOptions.temperature}, {"samples", k},
                                                     {"sample_accuracy", s.sampleAccuracy}, {"mixed", s.mixedShare},
                                                     {"all_right", s.allRightShare}, {"all_wrong", s.allWrongShare}}}}
                             .dump() << "\n";
        else
            std::printf("at temperature %.2f, %lld samples per problem: sample accuracy %.3f; problems with right "
                        "and wrong samples %.3f, all right %.3f, all wrong %.3f\n",
                        spreadOptions.temperature, k, s.sampleAccuracy, s.mixedShare, s.allRightShare, s.allWrongShare);
    }
    if (args.has("refine")) {
        auto refineOptions = options;
        if (refineOptions.temperature == 0.0) refineOptions.temperature = 0.8;
        const auto y = rlrf::eval::refinementYield(model, *task, refineOptions, feedbackFor(taskName));
        if (json)
            std::cout << nlohmann::json{{"refinement", {{"temperature", refineOptions.temperature},
                                                         {"attempts", y.attempts}, {"wrong", y.wrong},
                                                         {"fixed", y.fixed}, {"fix_rate", y.fixRate}}}}
                             .dump() << "\n";
        else
            std::printf("refinement with the rule judge's feedback: %zu of %zu wrong answers (temperature %.2f) "
                        "fixed, %.3f\n", y.fixed, y.wrong, refineOptions.temperature, y.fixRate);
    }
    if (json)
        std::cout << nlohmann::json{{"accuracy", result.accuracy}, {"n", result.n}}.dump() << "\n";
    return 0;
}

static rlrf::cli::RegisterCommand registerEval{{
    "eval",
    "measure a model on a task's held-out problems with its verifier",
    "rlrf eval --model DIR --task arith --split test --n N [--seed S] [--temperature T] [--json]\n"
    "       rlrf eval FILE --iteration I [--run R] --split test --n N [--seed S] [--json]",
    {
        {"model", "DIR", "Hugging Face model folder"},
        {"task", "NAME", "the task (arith, countdown)"},
        {"iteration", "I", "with a project FILE: evaluate M_I (0 = the project's model folder)"},
        {"run", "R", "with --iteration: the checkpoint of this RLRF run (default: the newest for I)"},
        {"split", "S", "train, validation or test (default test)"},
        {"n", "N", "problems (default 500)"},
        {"seed", "S", "which problems of the split are drawn, and the sampling seed (default 0)"},
        {"temperature", "T", "0 = greedy (default)"},
        {"samples", "K", "also sample K answers per problem (at T, or 0.8) and report the spread"},
        {"refine", "", "also refine wrong sampled answers with the rule judge's feedback and count fixes"},
        {"batch-size", "N", "prompts generated together (default 64)"},
        {"device", "DEV", "cpu, cuda, cuda:1 (default cpu)"},
        {"items", "", "print one JSON line per problem (prompt_id, response, correct) first"},
        {"json", "", "machine-readable output; the last line is {\"accuracy\": x, \"n\": N}"},
    },
    0,
    1,
    "With a project FILE the task is the project's and the model M_I: M0 is the\n"
    "project's model folder, M_I the checkpoint an `rlrf run` registered for\n"
    "iteration I.\n"
    "Problems come from the chosen split only, drawn by the seed: the same\n"
    "arguments always measure the same problems. The prompt is the task prompt as\n"
    "one user message in the model's chat template (plain text without one).\n",
    runEval,
}};

} // namespace
