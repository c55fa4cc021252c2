// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/run_comparison_fixture.h"

#include "common/review_fixture.h"
#include "pipeline/run/pipeline_options.h"
#include "store/eval_answer_repository.h"
#include "store/run_repository.h"

#include <string>

namespace rlrf::test {

namespace {

std::string settings(pipeline::PipelineMode mode, int iterations)
{
    pipeline::PipelineOptions o;
    o.mode = mode;
    o.iterations = iterations;
    o.promptsPerIteration = 64;
    o.samples = 4;
    return pipeline::toJson(o).dump();
}

} // namespace

// The answers, problem by problem (R right, W wrong, then the overall score):
//
//            p0       p1       p2       p3       p4
//   rlrf M0  R 0.8    W 0.3    R 0.9    W 0.2    -
//   base M0  R 0.8    W 0.3    R 0.9    W 0.2    -      (the same texts: M0 is shared)
//   rlrf M1  R 1.0    R 0.7    R 0.9    W 0.4    R 0.6  (p4: answered by rlrf only)
//   base M1  R 0.9    W 0.3    W 0.5    R 0.8    -
//
// M1, baseline − rlrf over the four shared problems: both right p0; right in
// rlrf only p1, p2; right in the baseline only p3; accuracy differences
// 0, −1, −1, +1 (mean −0.25, SE 0.4787); overall differences −0.1, −0.4, −0.4,
// +0.4 (mean −0.125, SE 0.1887); head to head the baseline wins p3, ties p0
// (both wrote the canonical answer: the same text ties whatever the scores)
// and loses p1, p2.
RunComparisonProject buildRunComparisonProject(store::Project &project)
{
    auto &db = project.db();
    RunComparisonProject r;
    const auto review = buildReviewProject(project, 5);
    r.promptIds = review.promptIds;
    store::RunRepository runs(db);
    r.rlrf = runs.start(store::RunKind::Rlrf, 0, settings(pipeline::PipelineMode::Rlrf, 2));
    r.baseline = runs.start(store::RunKind::Rlrf, 0, settings(pipeline::PipelineMode::RewardOnly, 2));
    r.unevaluated = runs.start(store::RunKind::Rlrf, 0, settings(pipeline::PipelineMode::Rlrf, 1));

    store::EvalAnswerRepository answers(db);
    auto answer = [&](std::int64_t run, int iteration, std::size_t p, bool right, double overall) {
        const std::string text = right ? review.correct[p] : review.wrong[p];
        return store::EvalAnswerRecord{run, iteration, "test", r.promptIds[p], text, overall, right, "{}"};
    };
    for (const auto run : {r.rlrf, r.baseline})
        answers.put({answer(run, 0, 0, true, 0.8), answer(run, 0, 1, false, 0.3), answer(run, 0, 2, true, 0.9),
                     answer(run, 0, 3, false, 0.2)});
    answers.put({answer(r.rlrf, 1, 0, true, 1.0), answer(r.rlrf, 1, 1, true, 0.7), answer(r.rlrf, 1, 2, true, 0.9),
                 answer(r.rlrf, 1, 3, false, 0.4), answer(r.rlrf, 1, 4, true, 0.6)});
    answers.put({answer(r.baseline, 1, 0, true, 0.9), answer(r.baseline, 1, 1, false, 0.3),
                 answer(r.baseline, 1, 2, false, 0.5), answer(r.baseline, 1, 3, true, 0.8)});

    auto result = [&](std::int64_t run, int iteration, const char *metric, double value, std::int64_t n) {
        runs.addEvalResult({0, run, iteration, "test", metric, value, n});
    };
    for (const auto run : {r.rlrf, r.baseline}) {
        result(run, 0, "accuracy", 0.5, 4);
        result(run, 0, "overall", 0.55, 4);
        result(run, 0, "aspect/Factuality", 2.0, 4);
    }
    result(r.rlrf, 1, "accuracy", 0.8, 5);
    result(r.rlrf, 1, "overall", 0.72, 5);
    result(r.rlrf, 1, "aspect/Factuality", 2.5, 5);
    result(r.rlrf, 1, "win_rate", 0.75, 4);
    result(r.baseline, 1, "accuracy", 0.5, 4);
    result(r.baseline, 1, "overall", 0.625, 4);
    result(r.baseline, 1, "aspect/Factuality", 2.25, 4);
    result(r.baseline, 1, "win_rate", 0.5, 4);
    runs.addEvalResult({0, r.baseline, 1, "validation", "accuracy", 0.99, 4}); // another split: never shown

    // The DPO pass that made the rlrf run's M1, tied to it as the pipeline does.
    const auto dpo = runs.start(store::RunKind::Dpo, 1, R"({"pipeline_run":)" + std::to_string(r.rlrf) + "}");
    runs.finish(dpo, store::RunStatus::Succeeded);
    runs.finish(r.rlrf, store::RunStatus::Succeeded);
    runs.finish(r.baseline, store::RunStatus::Succeeded);
    return r;
}

} // namespace rlrf::test
