// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf run FILE --iterations K`: the RLRF loop (or the reward-only baseline) on a
// project, resumable; the stages live in backend/pipeline.
#include "cli/command_registry.h"

#include "core/error.h"
#include "core/logging.h"
#include "pipeline/run/rlrf_run.h"
#include "types/metric_names.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <csignal>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

namespace {

using rlrf::cli::UsageError;

rlrf::CancelToken *g_cancel = nullptr;

extern "C" void onRunInterrupt(int)
{
    if (g_cancel)
        g_cancel->requestStop(); // an atomic store: safe in a signal handler
}

std::vector<std::string> splitCommas(const std::string &text)
{
    std::vector<std::string> parts;
    std::stringstream in(text);
    for (std::string part; std::getline(in, part, ',');)
        if (!part.empty())
            parts.push_back(part);
    return parts;
}

rlrf::pipeline::PipelineOptions optionsFrom(const rlrf::cli::ParsedArgs &args)
{
    rlrf::pipeline::PipelineOptions o;
    o.iterations = static_cast<int>(args.intValue("iterations", o.iterations));
    o.mode = args.has("baseline") ? rlrf::pipeline::PipelineMode::RewardOnly : rlrf::pipeline::PipelineMode::Rlrf;
    o.autoApprove = args.has("auto-approve");
    o.promptsPerIteration = args.intValue("prompts", o.promptsPerIteration);
    o.samples = args.intValue("samples", o.samples);
    o.temperature = args.doubleValue("temperature", o.temperature);
    o.maxNewTokens = args.intValue("max-new-tokens", o.maxNewTokens);
    o.batchPrompts = args.intValue("batch-prompts", o.batchPrompts);
    o.judge = args.value("judge", o.judge);
    o.refinements = args.intValue("refinements", o.refinements);
    if (args.has("pair-rule"))
        o.pairRules = splitCommas(args.value("pair-rule"));
    o.delta = args.doubleValue("delta", o.delta);
    if (args.has("verified-chosen")) o.verifiedChosen = true;
    if (args.has("any-chosen")) o.verifiedChosen = false;
    if (args.has("whole-rejected")) o.cutRejectedAtFlaw = false;
    if (args.has("greedy-candidate")) o.greedyCandidate = true;
    o.maxPairsPerPrompt = args.intValue("max-pairs", o.maxPairsPerPrompt);
    o.dpo.beta = args.doubleValue("beta", o.dpo.beta);
    o.dpo.learningRate = args.doubleValue("lr", o.dpo.learningRate);
    o.dpo.epochs = args.intValue("epochs", o.dpo.epochs);
    o.dpo.lossType = args.value("loss", o.dpo.lossType);
    o.dpo.nllWeight = args.doubleValue("nll-weight", o.dpo.nllWeight);
    o.sft.epochs = args.doubleValue("sft-epochs", o.sft.epochs);
    o.sft.learningRate = args.doubleValue("sft-lr", o.sft.learningRate);
    o.sftSource = args.value("sft-source", o.sftSource);
    o.dpo.device = args.value("device", o.dpo.device);
    o.dpo.dtype = args.value("dtype", o.dpo.dtype);
    o.sft.device = o.dpo.device;
    o.sft.dtype = o.dpo.dtype;
    const long long seed = args.intValue("seed", static_cast<long long>(o.seed));
    if (seed < 0)
        throw UsageError("--seed must be at least 0");
    o.seed = static_cast<std::uint64_t>(seed);
    o.evalN = args.intValue("eval-n", o.evalN);
    try {
        rlrf::pipeline::validate(o, "command line");
    } catch (const rlrf::Error &e) {
        throw UsageError(e.what());
    }
    return o;
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
    "[--judge SPEC] [--pair-rule R[,R]] [--delta D] [--sft-epochs N] [--sft-source S] [--beta B] [--lr X] [--epochs N] [--loss L] [--seed S] "
    "[--eval-n N]",
    {
        {"iterations", "K", "models to train: M0 -> M1 -> ... -> MK (default 2)"},
        {"auto-approve", "", "approve every pair at once instead of waiting for review"},
        {"baseline", "", "reward-only baseline: no refinement, same budget, samples ranked by the verifier's reward (by overall score without one)"},
        {"new", "", "start a new run even if an unfinished one of the same mode exists"},
        {"prompts", "N", "train prompts per iteration (default 2048)"},
        {"samples", "N", "answers sampled per prompt (default 4)"},
        {"temperature", "T", "sampling temperature (default 0.8)"},
        {"max-new-tokens", "N", "longest answer in tokens (default 64)"},
        {"batch-prompts", "N", "prompts per generation call and per store transaction (default 32)"},
        {"judge", "SPEC", "rule:arith, verifier:TASK, model:DIR, endpoint:URL#MODEL (default: the task's)"},
        {"refinements", "N", "refinements of the best imperfect answer per prompt (default 2)"},
        {"pair-rule", "R", "best_worst, refined_vs_original, all_above_delta, pareto; comma-separated"},
        {"delta", "D", "smallest overall-score gap of a pair (default 0.1)"},
        {"verified-chosen", "", "only pairs whose chosen answer passes the verifier and whose rejected one fails (default)"},
        {"any-chosen", "", "pairs by score alone, even where the verifier fails both answers"},
        {"greedy-candidate", "", "one of the n candidates is the greedy answer (default: all n sampled)"},
        {"whole-rejected", "", "train on whole rejected answers (default: cut after the first line the critique flags)"},
        {"max-pairs", "N", "most pairs per prompt (default 4)"},
        {"sft-epochs", "N", "epochs of a supervised pass over the promising answers before DPO (default 4; 0 = none)"},
        {"sft-lr", "X", "its peak learning rate (default 1e-4)"},
        {"sft-source", "S", "what the pass learns: pairs (the approved pairs' fully right chosen answers) or pool (every fully right answer of the iteration too) (default pool)"},
        {"beta", "B", "DPO beta (default 0.5)"},
        {"lr", "X", "DPO peak learning rate (default 5e-5)"},
        {"epochs", "N", "DPO epochs per iteration (default 2)"},
        {"loss", "L", "sigmoid, ipo or hinge (default ipo)"},
        {"nll-weight", "W", "weight of an NLL term on the chosen answers (default 1)"},
        {"device", "DEV", "cpu, cuda, cuda:1 (default cpu)"},
        {"dtype", "T", "float32 or bfloat16 (default float32)"},
        {"seed", "S", "run seed: prompt order, sampling, DPO shuffling (default 1)"},
        {"eval-n", "N", "held-out prompts evaluated per model; 0 = no evaluation (default 200)"},
    },
    1,
    1,
    "Started again on the same project, it continues the newest unfinished run of the\n"
    "same mode with the settings that run started with (nothing is redone or lost);\n"
    "--new starts another. Progress and a table of seconds per stage go to stderr; one\n"
    "JSON line with the evaluations goes to stdout (per model: accuracy, overall,\n"
    "aspect/NAME; from M1 on also win_rate against the previous model with its\n"
    "win_rate/wins, win_rate/ties and win_rate/losses). Exit status: 0 done, 1 failed,\n"
    "3 pairs wait for review, 130 stopped (Ctrl+C).",
    runRunCommand,
}};

} // namespace
