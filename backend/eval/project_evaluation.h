// SPDX-License-Identifier: GPL-3.0-or-later
// Evaluation of one model on the project's held-out prompts: greedy answers,
// verifier accuracy (when the task has a verifier) and the mean rating of every
// aspect the judge rates, plus the mean overall score, and every judged answer.
// The pipeline runs it for M0 and after every iteration; aggregates go to
// eval_results, the answers to eval_answers. Torch-free.
#pragma once

#include "core/run_context.h"
#include "feedback/judge.h"
#include "store/eval_answer_repository.h"
#include "store/project_file.h"
#include "types/rubric.h"
#include "types/run_records.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace rlrf::model {
class TextModel;
}

namespace rlrf::eval {

struct EvaluationOptions {
    std::string split = "test";
    std::int64_t n = 200;            // the first n prompts of the split by id (all when fewer)
    std::int64_t maxNewTokens = 96;
    std::int64_t batchSize = 64;
};

struct EvaluationResult {
    Outcome outcome = Outcome::Succeeded;
    std::int64_t n = 0;
    std::optional<double> accuracy;          // with a verifier
    double meanOverall = 0.0;                // the judge's overall score
    std::map<std::string, double> aspectMeans; // applicable ratings only, 1-3
    double seconds = 0.0;
    /// One per prompt, with split, prompt, answer, scores and
    /// ratings filled; run and iteration are the caller's to set.
    std::vector<store::EvalAnswerRecord> answers;
};

/// The verifier judge of a project's task ("verifier:arith", ...), or none for a
/// task without one.
std::unique_ptr<feedback::Judge> taskVerifier(const std::string &task);

/// Throws rlrf::Error naming the project when it has no prompts in the split.
EvaluationResult evaluateModel(store::Project &project, const model::TextModel &model, feedback::Judge &judge,
                               const feedback::Rubric &rubric, feedback::Judge *verifier,
                               const EvaluationOptions &options, const RunContext &context);

/// The rows for eval_results: "accuracy", "overall", "aspect/NAME".
std::vector<store::EvalResult> toEvalResults(const EvaluationResult &result, std::optional<std::int64_t> runId,
                                             int iteration, const std::string &split);

/// The answers of `result` as M_iteration's rows of run `runId`.
std::vector<store::EvalAnswerRecord> toEvalAnswers(const EvaluationResult &result, std::int64_t runId, int iteration);

} // namespace rlrf::eval
