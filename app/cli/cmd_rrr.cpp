// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf rrr FILE --task arith|countdown|bfcl`: a Reflect-Retry-Reward run on a
// project (backend/pipeline/rrr/rrr_run.h does the work).
#include "cli/command_registry.h"

#include "core/json_io.h"
#include "pipeline/rrr/rrr_run.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace {

rlrf::rrr::RrrConfig configFrom(const rlrf::cli::ParsedArgs &args)
{
    rlrf::rrr::RrrConfig c;
    if (args.has("config"))
        c = rlrf::rrr::rrrConfigFromJson(rlrf::json::readFile(args.value("config")), args.value("config"));
    const auto seed = args.intValue("seed", static_cast<long long>(c.seed));
    if (seed < 0)
        throw rlrf::cli::UsageError("--seed must be 0 or more");
    c.seed = static_cast<std::uint64_t>(seed);
    c.trainQueries = args.intValue("train-queries", c.trainQueries);
    c.mineSamples = args.intValue("mine-samples", c.mineSamples);
    c.testQueries = args.intValue("test-queries", c.testQueries);
    c.groupSize = args.intValue("group-size", c.groupSize);
    c.failuresPerStep = args.intValue("failures-per-step", c.failuresPerStep);
    c.epochs = args.doubleValue("epochs", c.epochs);
    c.maxSteps = args.intValue("max-steps", c.maxSteps);
    c.learningRate = args.doubleValue("lr", c.learningRate);
    c.retryTemperature = args.doubleValue("retry-temperature", c.retryTemperature);
    c.beta = args.doubleValue("beta", c.beta);
    c.device = args.value("device", c.device);
    rlrf::rrr::validate(c, "command line");
    return c;
}

nlohmann::json accuracyJson(const rlrf::rrr::TwoTryAccuracy &a)
{
    return {{"first", a.first}, {"second", a.second}};
}

int runRrrCommand(const rlrf::cli::ParsedArgs &args)
{
    rlrf::rrr::RrrRunRequest request;
    request.projectPath = args.positional.at(0);
    request.task = args.required("task");
    request.dataPath = args.value("data");
    request.modelDir = args.value("model");
    request.outputDir = args.value("out");
    request.config = configFrom(args);
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
        std::cout << "run " << result.runId << ": " << rlrf::toString(result.outcome)
                  << (result.message.empty() ? "" : " (" + result.message + ")") << "\n"
                  << "failures mined: " << result.failures << " from " << result.minedQueries << " queries\n"
                  << "before: first try " << result.before.first << ", second try " << result.before.second << "\n"
                  << "after:  first try " << result.after.first << ", second try " << result.after.second << "\n"
                  << "model: " << (result.checkpoint.empty() ? "(not saved)" : result.checkpoint) << std::endl;
    }
    return result.outcome == rlrf::Outcome::Succeeded ? 0 : 1;
}

const rlrf::cli::RegisterCommand reg{{
    "rrr",
    "Reflect, Retry, Reward: GRPO on the reflections that turn a failed attempt into a solved retry",
    "rlrf rrr FILE --task arith|countdown|bfcl [--data F] [--model DIR] [--seed S] [options] [--json]",
    {{"task", "NAME", "arith, countdown or bfcl"},
     {"data", "FILE", "countdown: real test problems ({\"input\",\"output\"} JSONL); bfcl: a questions file"},
     {"model", "DIR", "the model to train (default: the project's model)"},
     {"out", "DIR", "where the trained model goes (default FILE.runs/rrr-<run id>); it is written to DIR/final"},
     {"config", "FILE", "settings as JSON (rrr_config keys); options below override it"},
     {"seed", "S", "seed of the training queries, sampling and shuffling (default 1)"},
     {"train-queries", "N", "training queries sampled for failures (default 256)"},
     {"mine-samples", "N", "attempts per training query (default 4)"},
     {"test-queries", "N", "held-out queries for before/after (default 200)"},
     {"group-size", "G", "reflections per failed attempt (default 8)"},
     {"failures-per-step", "N", "failed attempts per optimizer step (default 8)"},
     {"epochs", "X", "passes over the failures (default 1)"},
     {"max-steps", "N", "optimizer steps; 0 = from epochs (default 0)"},
     {"lr", "X", "peak learning rate, cosine with 3 % warm-up (default 5e-5)"},
     {"retry-temperature", "T", "sampling temperature of the retries; 0 = greedy (default 0.7)"},
     {"beta", "B", "KL coefficient to the reference (default 0.001)"},
     {"device", "DEV", "cpu, cuda or cuda:N (default cpu)"},
     {"json", "", "end with a JSON summary line and {\"before\": {\"first\", \"second\"}, \"after\": {...}}"}},
    1, 1,
    "The run: first- and second-try accuracy (greedy) on held-out test queries; each training query sampled\n"
    "--mine-samples times, failed attempts kept; per step G reflections per failed attempt, one retry each,\n"
    "reward 1 when the retry passes the verifier, group-normalised advantages, clipped policy-gradient loss\n"
    "on the reflection tokens only plus KL to the starting model; accuracy again after training. The run,\n"
    "its metrics, failures, reflections, results and the trained model are recorded in the project FILE.\n"
    "Each step's metrics go to stderr as one JSON line. On a busy machine RLRF_THREADS=1 can be much faster.",
    runRrrCommand}};

} // namespace
