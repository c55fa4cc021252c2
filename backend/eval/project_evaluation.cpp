// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/project_evaluation.h"

#include "core/error.h"
#include "core/monotonic_clock.h"
#include "feedback/judge_factory.h"
#include "model/batched_generation.h"
#include "model/policy_prompt.h"
#include "model/text_model.h"
#include "store/prompt_repository.h"
#include "types/prompt_formats.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace rlrf::eval {

std::unique_ptr<feedback::Judge> taskVerifier(const std::string &task)
{
    for (const char *known : {"arith", "gsm8k", "countdown", "bfcl"})
        if (task == known)
            return feedback::makeJudge(std::string("verifier:") + known);
    return nullptr;
}

namespace {

std::vector<store::PromptRecord> heldOutPrompts(store::Project &project, const EvaluationOptions &options)
{
    store::PromptRepository prompts(project.db());
    const auto split = store::parseSplit(options.split);
    store::PageRequest page;
    page.limit = options.n;
    auto rows = prompts.page(page, split);
    if (rows.empty())
        throw Error("the project has no " + options.split + " prompts to evaluate on; import some (for arith: "
                        "rlrf task sample --task arith --split " + options.split
                        + " --n 500 > held-out.jsonl, then rlrf import ... --split " + options.split + ")",
                    {project.path(), 0, "prompts"});
    return rows;
}

} // namespace

EvaluationResult evaluateModel(store::Project &project, const model::TextModel &model, feedback::Judge &judge,
                               const feedback::Rubric &rubric, feedback::Judge *verifier,
                               const EvaluationOptions &options, const RunContext &context)
{
    const double start = monotonicSeconds();
    EvaluationResult result;
    const auto prompts = heldOutPrompts(project, options);
    std::int64_t correct = 0;
    double overallSum = 0.0;
    std::map<std::string, std::pair<double, std::int64_t>> aspectSums;
    model::GenerationOptions g;
    g.maxNewTokens = options.maxNewTokens;
    g.sampling.temperature = 0.0; // greedy: one number per model, no sampling noise
    model::BatchSettings batches;
    batches.promptsPerBatch = static_cast<std::size_t>(std::max<std::int64_t>(1, options.batchSize));
    const bool finished = model::generateInBatches(
        model, prompts.size(),
        [&](std::size_t i) { return model::policyPromptIds(model, prompts::answerMessages(prompts[i].text)); }, g,
        batches, &context.cancel,
        [&](std::size_t from, const std::vector<std::vector<std::int64_t>> &inputs,
            std::vector<model::TextSample> answers) {
            for (const auto &a : answers) {
                const auto &prompt = prompts[from + a.promptIndex];
                const feedback::JudgeRequest request{prompt.text, a.text, prompt.referenceAnswer};
                const auto critique = judge.judge(request, rubric);
                overallSum += critique.overall;
                nlohmann::json ratings = nlohmann::json::object();
                for (const auto &r : critique.aspects)
                    if (r.rating != feedback::kNotApplicable) {
                        aspectSums[r.aspect].first += r.rating;
                        aspectSums[r.aspect].second += 1;
                        ratings[r.aspect] = r.rating;
                    }
                store::EvalAnswerRecord row{0, 0, options.split, prompt.id, a.text, critique.overall, std::nullopt,
                                            ratings.dump()};
                if (verifier)
                    row.correct = verifier->judge(request, rubric).reward.value_or(0.0) > 0.5;
                correct += row.correct.value_or(false) ? 1 : 0;
                result.answers.push_back(std::move(row));
            }
            context.progress(static_cast<std::int64_t>(from + inputs.size()),
                             static_cast<std::int64_t>(prompts.size()), "evaluate");
        });
    if (!finished) {
        result.outcome = Outcome::Cancelled;
        return result;
    }
    result.n = static_cast<std::int64_t>(prompts.size());
    if (verifier)
        result.accuracy = static_cast<double>(correct) / static_cast<double>(result.n);
    result.meanOverall = overallSum / static_cast<double>(result.n);
    for (const auto &[aspect, sum] : aspectSums)
        result.aspectMeans[aspect] = sum.first / static_cast<double>(sum.second);
    result.seconds = monotonicSeconds() - start;
    return result;
}

std::vector<store::EvalResult> toEvalResults(const EvaluationResult &result, std::optional<std::int64_t> runId,
                                             int iteration, const std::string &split)
{
    std::vector<store::EvalResult> rows;
    auto add = [&](const std::string &metric, double value) {
        store::EvalResult r;
        r.runId = runId;
        r.iteration = iteration;
        r.split = split;
        r.metric = metric;
        r.value = value;
        r.n = result.n;
        rows.push_back(r);
    };
    if (result.accuracy)
        add("accuracy", *result.accuracy);
    add("overall", result.meanOverall);
    for (const auto &[aspect, mean] : result.aspectMeans)
        add("aspect/" + aspect, mean);
    return rows;
}

std::vector<store::EvalAnswerRecord> toEvalAnswers(const EvaluationResult &result, std::int64_t runId, int iteration)
{
    auto rows = result.answers;
    for (auto &r : rows) {
        r.runId = runId;
        r.iteration = iteration;
    }
    return rows;
}

} // namespace rlrf::eval
