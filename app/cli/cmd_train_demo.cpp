// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf train-demo [--out DIR]`: reproduces the shipped demo model from its recipe
// (data, tokenizer, random init, SFT). Progress and metrics go to stderr, the
// result to stdout as one JSON line.
#include "cli/command_registry.h"

#include "core/json_io.h"
#include "demo/demo_data.h"
#include "demo/train_demo.h"
#include "types/metric_names.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <csignal>
#include <iostream>

namespace {

rlrf::CancelToken *g_cancel = nullptr;

extern "C" void onTrainDemoInterrupt(int)
{
    if (g_cancel)
        g_cancel->requestStop();
}

nlohmann::json number(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

rlrf::demo::DemoRecipe recipeFrom(const rlrf::cli::ParsedArgs &args)
{
    using rlrf::cli::UsageError;
    rlrf::demo::DemoRecipe recipe;
    try {
        recipe = rlrf::demo::demoRecipe(args.value("recipe", "arith-demo"));
    } catch (const std::exception &e) {
        throw UsageError(std::string("--recipe: ") + e.what());
    }
    const long long steps = args.intValue("steps", recipe.sft.maxSteps);
    if (steps <= 0) throw UsageError("--steps must be positive");
    recipe.sft.maxSteps = steps;
    const long long steps2 = args.intValue("steps2", recipe.sft2.maxSteps);
    if (steps2 < 0) throw UsageError("--steps2 must be at least 0");
    recipe.sft2.maxSteps = steps2;
    const long long seed = args.intValue("seed", static_cast<long long>(recipe.data.seed));
    if (seed < 0) throw UsageError("--seed must be at least 0");
    recipe.data.seed = static_cast<std::uint64_t>(seed);
    if (args.has("seed")) { // the default seed keeps the recipe's own SFT seeds
        recipe.sft.seed = static_cast<std::uint64_t>(seed) + 10;
        recipe.sft2.seed = static_cast<std::uint64_t>(seed) + 22;
    }
    if (args.has("seed"))
        recipe.initSeed = static_cast<std::uint64_t>(seed) + 6;
    const double scale = args.doubleValue("data-scale", 1.0);
    if (!(scale > 0.0)) throw UsageError("--data-scale must be positive");
    recipe.data.answers = static_cast<std::size_t>(std::lround(double(recipe.data.answers) * scale));
    recipe.data.refinements = static_cast<std::size_t>(std::lround(double(recipe.data.refinements) * scale));
    recipe.data.reflections = static_cast<std::size_t>(std::lround(double(recipe.data.reflections) * scale));
    recipe.data.extraRetries = static_cast<std::size_t>(std::lround(double(recipe.data.extraRetries) * scale));
    if (args.has("reflection-form")) {
        if (recipe.data.taskKind != rlrf::demo::DemoTask::Arith)
            throw UsageError("--reflection-form is for the arith recipes; " + recipe.name
                             + " writes the Countdown task's own reflection form");
        try {
            recipe.data.reflectionForm = rlrf::demo::parseReflectionForm(args.value("reflection-form"));
        } catch (const std::exception &e) {
            throw UsageError(std::string("--reflection-form: ") + e.what());
        }
    }
    recipe.sft.device = args.value("device", recipe.sft.device);
    recipe.sft2.device = recipe.sft.device;
    return recipe;
}

// The recipe's examples as `rlrf sft --data` JSONL, with each example's kind.
int dumpData(const rlrf::demo::DemoRecipe &recipe, const std::string &path)
{
    std::string text;
    for (const auto &e : rlrf::demo::makeDemoExamples(recipe.data)) {
        const nlohmann::json completion = nlohmann::json::array({{{"role", "assistant"}, {"content", e.completion}}});
        text += nlohmann::json{{"kind", e.kind}, {"prompt", e.messages}, {"completion", completion}}.dump() + "\n";
    }
    rlrf::json::writeFileAtomically(path, text);
    return 0;
}

int runTrainDemo(const rlrf::cli::ParsedArgs &args)
{
    const auto recipe = recipeFrom(args);
    if (args.has("dump-data"))
        return dumpData(recipe, args.value("dump-data"));
    const std::string out = args.value("out", recipe.name);
    const std::string from = args.value("from", recipe.startsFrom.empty() ? "" : "resources/models/" + recipe.startsFrom);
    const std::string work = args.value("work", out + ".work");
    rlrf::RunContext context;
    context.onMetric = [](std::int64_t step, const std::string &key, double value) {
        if (key == rlrf::metrics::kSftLoss && step % 50 != 0) return; // keep the stream readable
        std::cerr << nlohmann::json{{"step", step}, {"metric", key}, {"value", number(value)}}.dump() << std::endl;
    };
    g_cancel = &context.cancel;
    std::signal(SIGINT, onTrainDemoInterrupt);
    const auto result = rlrf::demo::trainDemoModel(recipe, out, work, context, args.has("resume"), from);
    std::signal(SIGINT, SIG_DFL);
    g_cancel = nullptr;
    std::cout << nlohmann::json{{"outcome", rlrf::toString(result.outcome)},
                                {"message", result.message},
                                {"model", result.modelFolder},
                                {"examples", result.examples},
                                {"steps", result.steps},
                                {"final_loss", number(result.finalLoss)},
                                {"final_eval_loss", number(result.finalEvalLoss)},
                                {"seconds", result.seconds}}
                     .dump()
              << "\n";
    if (result.outcome == rlrf::Outcome::Failed)
        std::cerr << "rlrf train-demo: " << result.message << "\n";
    return result.outcome == rlrf::Outcome::Succeeded ? 0 : 1;
}

static rlrf::cli::RegisterCommand registerTrainDemo{{
    "train-demo",
    "train a shipped demo model from its recipe (data, tokenizer, init, SFT)",
    "rlrf train-demo [--recipe NAME] [--from DIR] [--out DIR] [--work DIR] [--steps N] [--steps2 N] [--seed S] [--data-scale X] [--reflection-form F] [--resume] [--dump-data FILE]",
    {
        {"recipe", "NAME", "arith-demo (from scratch, the default), arith-reflect-demo or countdown-demo (both fine-tune arith-demo)"},
        {"from", "DIR", "arith-reflect-demo, countdown-demo: the arith-demo model they start from (default resources/models/arith-demo)"},
        {"out", "DIR", "where the finished model goes (default ./NAME)"},
        {"work", "DIR", "tokenizer, initial weights and checkpoints (default <out>.work)"},
        {"steps", "N", "SFT optimizer steps of phase 1 (default: the recipe's 900)"},
        {"steps2", "N", "steps of phase 2, the second pass (default: the recipe's 450; 0 = none)"},
        {"seed", "S", "seed of the data, the init and the shuffling (default 1)"},
        {"data-scale", "X", "multiply the number of generated examples (default 1)"},
        {"reflection-form", "F", "diagnosis (the shipped arith-demo) or worked (the chain worked out again)"},
        {"device", "DEV", "cpu, cuda, cuda:1 (default cpu)"},
        {"resume", "", "continue from the newest checkpoint in --work"},
        {"dump-data", "FILE", "write the recipe's training examples as rlrf sft JSONL and stop"},
    },
    0,
    0,
    "The recipe (backend/demo/demo_recipe.h) is written next to the model as\n"
    "recipe.json. With the defaults this rebuilds resources/models/arith-demo;\n"
    "--recipe arith-reflect-demo rebuilds resources/models/arith-reflect-demo from it,\n"
    "--recipe countdown-demo resources/models/countdown-demo (Countdown, for rlrf rrr).\n"
    "Then `rlrf eval --model DIR --task arith --split test --n 500` (or --task countdown)\n"
    "measures it.\n"
    "Ctrl+C stops after the current step with a checkpoint that --resume continues.\n",
    runTrainDemo,
}};

} // namespace
