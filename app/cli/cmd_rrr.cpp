// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf rrr FILE --task arith|countdown|bfcl`: a Reflect-Retry-Reward run on a
// project (backend/pipeline/rrr/rrr_run.h does the work).
#include "cli/command_registry.h"

#include "cli/option_table_args.h"
#include "core/error.h"
#include "core/json_io.h"
#include "pipeline/rrr/rrr_option_table.h"
#include "pipeline/rrr/rrr_run.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace {

// "first" and "second" as they always were; "headroom" beside them once the
// evaluation's queries are recorded: of the failed first tries, the share the
// retry solved after the model's own reflection and after a perfect one (null
// where the task has none).
nlohmann::json accuracyJson(const rlrf::rrr::TwoTryAccuracy &a)
{
    nlohmann::json out = {{"first", a.first}, {"second", a.second}};
    // Mean length of the greedy reflections written on the failures: whether
    // training made them longer.
    if (a.queries > a.firstCorrect)
        out["reflection_tokens"] = a.reflectionTokens;
    if (!a.recorded)
        return out;
    const auto failures = a.failures();
    out["headroom"] = {{"failures", failures},
                       {"own_solved", a.ownSolved()},
                       {"own_share", failures > 0 ? static_cast<double>(a.ownSolved()) / static_cast<double>(failures) : 0.0},
                       {"oracle_available", a.oracleAvailable},
                       {"oracle_solved", a.oracleSolved},
                       {"oracle_share", a.oracleAvailable > 0 ? nlohmann::json(static_cast<double>(a.oracleSolved)
                                                                               / static_cast<double>(a.oracleAvailable))
                                                              : nlohmann::json(nullptr)}};
    return out;
}

std::string headroomLine(const char *label, const rlrf::rrr::TwoTryAccuracy &a)
{
    if (!a.recorded)
        return "";
    const auto failures = a.failures();
    return std::string(label) + " headroom: of " + std::to_string(failures) + (failures == 1 ? " failure" : " failures")
           + ", own reflection "
           + std::to_string(a.ownSolved()) + " solved, perfect reflection " + std::to_string(a.oracleSolved)
           + " (of " + std::to_string(a.oracleAvailable) + " with one)\n";
}

int runRrrCommand(const rlrf::cli::ParsedArgs &args)
{
    rlrf::rrr::RrrRunRequest request;
    request.projectPath = args.positional.at(0);
    request.fresh = args.has("new");
    if (args.has("config"))
        request.config = rlrf::rrr::rrrConfigFromJson(rlrf::json::readFile(args.value("config")), args.value("config"));
    if (!args.has("task"))
        throw rlrf::cli::UsageError("missing required option --task");
    // A value out of range is an error of the run (exit 1), as it always was here.
    rlrf::rrr::applyRrrValues(rlrf::cli::tableValues(rlrf::rrr::rrrOptionFields(), args), request, "command line");
    // As with sft and dpo: adapter details without a rank would be silently unused.
    if (!request.config.lora.enabled()
        && (args.has("lora-alpha") || args.has("lora-dropout") || args.has("lora-targets")))
        throw rlrf::cli::UsageError("--lora-alpha, --lora-dropout and --lora-targets need --lora-r N");
    // One JSON line of metrics per optimizer step on stderr, when the step is done.
    rlrf::RunContext context;
    auto stepMetrics = std::make_shared<nlohmann::json>(nlohmann::json::object());
    context.onMetric = [stepMetrics](std::int64_t, const std::string &key, double value) { (*stepMetrics)[key] = value; };
    context.onProgress = [stepMetrics](const rlrf::Progress &progress) {
        if (progress.stage != "rrr")
            return;
        (*stepMetrics)["step"] = progress.done;
        std::cerr << stepMetrics->dump() << std::endl;
        *stepMetrics = nlohmann::json::object();
    };
    const auto result = rlrf::rrr::runRrr(request, context);
    if (args.has("json")) {
        nlohmann::json summary = {{"outcome", rlrf::toString(result.outcome)},
                                  {"message", result.message},
                                  {"run_id", result.runId},
                                  {"resumed", result.resumed},
                                  {"mined_queries", result.minedQueries},
                                  {"mined_attempts", result.minedAttempts},
                                  {"mine_correct_attempts", result.mineCorrectAttempts},
                                  {"failures", result.failures},
                                  {"steps", result.training.steps},
                                  {"checkpoint", result.checkpoint},
                                  {"test_queries", result.before.queries},
                                  {"metrics", result.training.metrics}};
        std::cout << summary.dump() << "\n"
                  << nlohmann::json{{"before", accuracyJson(result.before)}, {"after", accuracyJson(result.after)}}.dump()
                  << std::endl;
    } else {
        std::cout << "run " << result.runId << (result.resumed ? " (resumed)" : "") << ": "
                  << rlrf::toString(result.outcome)
                  << (result.message.empty() ? "" : " (" + result.message + ")") << "\n"
                  << "failures mined: " << result.failures << " from " << result.minedQueries << " queries\n"
                  << "before: first try " << result.before.first << ", second try " << result.before.second << "\n"
                  << "after:  first try " << result.after.first << ", second try " << result.after.second << "\n"
                  << headroomLine("before", result.before) << headroomLine("after", result.after)
                  << "model: " << (result.checkpoint.empty() ? "(not saved)" : result.checkpoint) << std::endl;
    }
    return result.outcome == rlrf::Outcome::Succeeded ? 0 : 1;
}

const rlrf::cli::RegisterCommand reg{{
    "rrr",
    "Reflect, Retry, Reward: GRPO on the reflections that turn a failed attempt into a solved retry",
    "rlrf rrr FILE --task arith|countdown|bfcl [--data F] [--model DIR] [--seed S] [options] [--json]",
    rlrf::cli::optionSpecs(
        rlrf::rrr::rrrOptionFields(),
        {{"config", "FILE", "settings as JSON (rrr_config keys); the options above override it"},
         {"new", "", "start a new run even if an unfinished one of the same task exists"},
         {"json", "",
          "end with a JSON summary line and {\"before\": {\"first\", \"second\", \"headroom\"}, \"after\": {...}}"}}),
    1, 1,
    "The run: first- and second-try accuracy (greedy) on held-out test queries; each training query tried\n"
    "--mine-samples times at --mine-temperature (default: once, greedy, like the evaluation's first try),\n"
    "failed attempts kept; per step G reflections per failed attempt, one retry each,\n"
    "reward 1 when the retry passes the verifier, group-normalised advantages, clipped policy-gradient loss\n"
    "on the reflection tokens only plus KL to the starting model; accuracy again after training. The run,\n"
    "its metrics, failures, reflections, results and the trained model are recorded in the project FILE.\n"
    "Each failed first try of the evaluations also gets a retry after the task's perfect reflection (arith,\n"
    "countdown): the headroom, what a better reflection could do next to the model's own.\n"
    "Each step's metrics go to stderr as one JSON line.\n"
    "\n"
    "Started again on the same project, it continues the newest RRR run of the same task that was killed or\n"
    "stopped, with the settings that run started with, from its newest step checkpoint (--checkpoint-every);\n"
    "nothing is redone or duplicated. --new starts another.\n"
    "\n"
    "With --lora-r N only a LoRA adapter trains: the model's weights stay frozen, the KL reference is the\n"
    "same model with the adapter switched off (no second copy), and the checkpoints and the final model are\n"
    "PEFT adapter folders that rlrf eval --model and every other --model DIR load with their base.",
    runRrrCommand}};

} // namespace
