// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf run FILE --iterations K`: the RLRF loop (or the reward-only baseline) on a
// project, resumable; the stages live in backend/pipeline.
#include "cli/command_registry.h"

#include "core/error.h"
#include "core/logging.h"
#include "cli/option_table_args.h"
#include "pipeline/run/rlrf_run.h"
#include "pipeline/run/run_option_table.h"
#include "types/metric_names.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <csignal>
#include <iostream>
#include <map>
#include <memory>
#include <set>

namespace {

using rlrf::cli::UsageError;

rlrf::CancelToken *g_cancel = nullptr;

extern "C" void onRunInterrupt(int)
{
    if (g_cancel)
        g_cancel->requestStop(); // an atomic store: safe in a signal handler
}

rlrf::pipeline::PipelineOptions optionsFrom(const rlrf::cli::ParsedArgs &args)
{
    // Without a rank they would be ignored (as `rlrf sft` and `rlrf dpo` refuse them).
    if (!args.has("lora-r") && (args.has("lora-alpha") || args.has("lora-dropout") || args.has("lora-targets")))
        throw UsageError("--lora-alpha, --lora-dropout and --lora-targets need --lora-r N");
    try {
        return rlrf::pipeline::runOptionsFromValues(rlrf::cli::tableValues(rlrf::pipeline::runOptionFields(), args),
                                                    "command line");
    } catch (const rlrf::Error &e) {
        throw UsageError(e.what());
    }
}

// Progress on stderr once per stage and every tenth of it, not per batch.
rlrf::RunContext consoleContext()
{
    rlrf::RunContext context;
    auto lastShown = std::make_shared<std::pair<std::string, std::int64_t>>();
    context.onProgress = [lastShown](const rlrf::Progress &p) {
        if (p.stage.rfind("dpo", 0) == 0 || p.stage == "critique")
            return; // DPO steps and single judge calls are too fine for the console
        const std::int64_t tenth = p.total > 0 ? (10 * p.done) / p.total : 0;
        if (lastShown->first == p.stage && lastShown->second == tenth)
            return;
        *lastShown = {p.stage, tenth};
        rlrf::log::get("run")->info("{}: {}/{}", p.stage, p.done, p.total);
    };
    auto firstDpo = std::make_shared<std::map<std::string, double>>();
    context.onMetric = [firstDpo](std::int64_t step, const std::string &key, double value) {
        // Both log-probs at the first and every tenth step show whether chosen and
        // rejected move apart or fall together (likelihood displacement).
        static const std::set<std::string> shown = {rlrf::metrics::kDpoLoss, rlrf::metrics::kDpoLogpsChosen, rlrf::metrics::kDpoLogpsRejected,
                                                    rlrf::metrics::kDpoRewardsAccuracies};
        if (shown.count(key) && (step == 1 || step % 10 == 0))
            rlrf::log::get("run")->info("step {} {} = {:.4f}", step, key, value);
        else if (key.rfind("eval/", 0) == 0 || key.rfind("pairs/", 0) == 0 || key.rfind("sample/", 0) == 0
                 || key.rfind("refine/", 0) == 0)
            rlrf::log::get("run")->info("iteration {} {} = {:.4f}", step, key, value);
    };
    return context;
}

nlohmann::json summaryLine(const rlrf::pipeline::PipelineResult &r)
{
    nlohmann::json evals = nlohmann::json::object();
    for (const auto &e : r.evaluations)
        evals["M" + std::to_string(e.iteration)][e.metric] = e.value;
    nlohmann::json times = nlohmann::json::object();
    for (const auto &t : r.times)
        times[std::to_string(t.iteration)][t.stage] = std::round(t.seconds * 100.0) / 100.0;
    const std::string outcome = r.waitingForReview ? "waiting_for_review" : rlrf::toString(r.outcome);
    return {{"run", r.runId},
            {"mode", rlrf::pipeline::toString(r.options.mode)},
            {"variant", rlrf::pipeline::variantName(r.options)},
            {"outcome", outcome},
            {"message", r.message},
            {"resumed", r.resumed},
            {"iterations_done", r.iterationsDone},
            {"evaluations", evals},
            {"seconds", times}};
}

int runRunCommand(const rlrf::cli::ParsedArgs &args)
{
    rlrf::pipeline::PipelineRequest request;
    request.projectPath = args.positional.at(0);
    request.options = optionsFrom(args);
    request.fresh = args.has("new");
    auto context = consoleContext();
    g_cancel = &context.cancel;
    std::signal(SIGINT, onRunInterrupt);
    std::signal(SIGTERM, onRunInterrupt);
    const auto result = rlrf::pipeline::runPipeline(request, context);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    g_cancel = nullptr;
    std::cerr << "\nseconds per stage (run " << result.runId << "; row i: iteration i from M_i, its evaluate column "
                 "is the evaluation of M_i)\n"
              << rlrf::pipeline::formatStageTimes(result.times);
    std::cout << summaryLine(result).dump() << std::endl;
    if (result.waitingForReview) {
        std::cerr << "rlrf run: " << result.message << "\n";
        return 3;
    }
    if (result.outcome == rlrf::Outcome::Failed)
        throw rlrf::Error(result.message);
    if (result.outcome == rlrf::Outcome::Cancelled) {
        std::cerr << "rlrf run: " << result.message << "\n";
        return 130;
    }
    return 0;
}

const rlrf::cli::RegisterCommand reg{{
    "run",
    "run the RLRF loop (sample, critique, refine, pairs, DPO, evaluate) for K iterations; resumable",
    "rlrf run FILE --iterations K [--auto-approve] [--baseline] [--prompts N] [--samples N] [--temperature T] "
    "[--generator SPEC] [--judge SPEC] [--pair-rule R[,R]] [--delta D] [--refinements N] [--sft-epochs N] [--sft-source S] [--no-dpo] [--beta B] [--lr X] [--epochs N] [--loss L] [--seed S] "
    "[--eval-n N] [--lora-r N [--lora-alpha A] [--lora-dropout P] [--lora-targets LIST]] [--gradient-checkpointing]",
    rlrf::cli::optionSpecs(rlrf::pipeline::runOptionFields(),
                           {{"new", "", "start a new run even if an unfinished one of the same mode exists"}}),
    1,
    1,
    "Started again on the same project, it continues the newest unfinished run of the\n"
    "same mode with the settings that run started with (nothing is redone or lost);\n"
    "--new starts another. Progress and a table of seconds per stage go to stderr; one\n"
    "JSON line with the evaluations goes to stdout (per model: accuracy, overall,\n"
    "aspect/NAME; from M1 on also win_rate against the previous model with its\n"
    "win_rate/wins, win_rate/ties and win_rate/losses). Exit status: 0 done, 1 failed,\n"
    "3 pairs wait for review, 130 stopped (Ctrl+C).\n"
    "--generator endpoint:URL#MODEL puts sampling and refinement on an OpenAI-compatible\n"
    "server (vLLM, llama.cpp server); its API key comes from $RLRF_GENERATOR_API_KEY or\n"
    "the file named by $RLRF_GENERATOR_API_KEY_FILE. Training and evaluation stay local;\n"
    "DPO re-tokenizes the server's answers with the project model's tokenizer.",
    runRunCommand,
}};

} // namespace
