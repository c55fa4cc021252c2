// SPDX-License-Identifier: GPL-3.0-or-later
// Measuring a model on a task with a verifier: accuracy on a split, the spread of
// right and wrong samples at a temperature, and how often a refinement given the
// judge's feedback fixes a wrong answer. `rlrf eval` and the pipeline's evaluate
// stage use these. Problems are drawn by the seed from one split only, so the same
// (split, n, seed) always measures the same problems. Torch-free.
#pragma once

#include "core/run_context.h"
#include "tasks/task.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace rlrf::model {
class TextModel;
}

namespace rlrf::eval {

struct TaskEvalOptions {
    std::string split = "test";
    std::size_t n = 500;
    std::uint64_t seed = 0;
    double temperature = 0.0; // 0 = greedy
    std::size_t batchSize = 64;
    std::int64_t maxNewTokens = 96;
};

struct TaskEvalItem {
    std::string promptId;
    std::string prompt;
    std::string response;
    bool correct = false;
};

struct TaskEvalResult {
    double accuracy = 0.0;
    std::size_t n = 0;
    std::size_t correct = 0;
    double seconds = 0.0;
    bool cancelled = false;
    std::vector<TaskEvalItem> items;
};

/// One answer per problem (greedy at temperature 0). Progress stage "eval".
TaskEvalResult evaluateOnTask(const model::TextModel &model, const tasks::Task &task, const TaskEvalOptions &options,
                              const RunContext &context = {});

struct SpreadResult {
    std::size_t problems = 0;
    std::size_t samplesPerProblem = 0;
    double sampleAccuracy = 0.0; // over all samples
    double mixedShare = 0.0;     // problems with at least one right and one wrong sample
    double allRightShare = 0.0;
    double allWrongShare = 0.0;
};

/// `samples` answers per problem at options.temperature.
SpreadResult samplingSpread(const model::TextModel &model, const tasks::Task &task, const TaskEvalOptions &options,
                            std::size_t samples, const RunContext &context = {});

/// The feedback text a refinement is given for a wrong response.
using FeedbackFunction = std::function<std::string(const tasks::Problem &problem, const std::string &response)>;

struct RefinementYield {
    std::size_t attempts = 0;  // problems answered (one sample each at options.temperature)
    std::size_t wrong = 0;     // of them wrong, so refined
    std::size_t fixed = 0;     // refinements the verifier accepts
    double fixRate = 0.0;      // fixed / wrong
};

/// Samples one answer per problem, refines each wrong one greedily with the
/// feedback (types/prompt_formats.h refinementMessages) and verifies the result.
RefinementYield refinementYield(const model::TextModel &model, const tasks::Task &task, const TaskEvalOptions &options,
                                const FeedbackFunction &feedback, const RunContext &context = {});

} // namespace rlrf::eval
