// SPDX-License-Identifier: GPL-3.0-or-later
// A run stopped through its cancel token after k batches, started again,
// continues where it stopped: the same run record, every prompt of the stage
// with exactly its n outputs, nothing duplicated, nothing lost. On stories260K
// (its answers to arith problems all score the same, so no pair can be built and
// the run ends at the train stage with a message saying so — itself a check).
// M0's evaluation, done before the train stage fails, is written once however
// often the run starts again.
#include "common/pipeline_fixture.h"

#include "pipeline/run/rlrf_run.h"
#include "pipeline/run/stage_env.h"
#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/eval_answer_repository.h"
#include "store/project_file.h"
#include "store/run_repository.h"
#include "store/stage_repository.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace rlrf;
namespace stages = rlrf::pipeline::stages;

namespace {

// Stops the run once `stage` of iteration 0 has finished `batches` batches.
RunContext stopAfter(const std::string &stage, std::int64_t batches)
{
    RunContext context;
    const std::string label = "iteration 0 " + stage;
    auto seen = std::make_shared<std::int64_t>(-1);
    auto cancel = context.cancel;
    context.onProgress = [=](const Progress &p) mutable {
        if (p.stage != label)
            return;
        if (*seen < 0)
            *seen = p.done; // what earlier runs finished
        if (p.done - *seen >= batches)
            cancel.requestStop();
    };
    return context;
}

struct Counts {
    std::int64_t prompts = 0;
    std::int64_t items = 0;
    std::int64_t duplicates = 0;
    bool done = false;
};

Counts countsOf(const std::string &path, std::int64_t runId, const std::string &stage)
{
    auto project = store::Project::open(path);
    store::StageRepository progress(project.db());
    const store::StageKey key{runId, 0, stage};
    return {static_cast<std::int64_t>(progress.donePrompts(key).size()),
            static_cast<std::int64_t>(progress.items(key).size()), progress.duplicateItems(key), progress.isDone(key)};
}

} // namespace

class TestPipelineResume : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void cancelledRunResumesWithoutDuplicatesOrGaps()
    {
        const auto project = test::makePipelineProject(m_dir.path(), QStringLiteral("resume"), 10, 0);
        auto options = test::tinyOptions(); // 6 prompts, 2 samples, 2 refinements of 1 selected, 1 prompt a batch
        pipeline::PipelineRequest request{project.path, options, false, {}};

        // 1. Stop after two batches of the sample stage.
        const auto first = pipeline::runPipeline(request, stopAfter(stages::kSample, 2));
        QVERIFY2(first.outcome == Outcome::Cancelled, (std::string(toString(first.outcome)) + ": " + first.message).c_str());
        QVERIFY(!first.resumed);
        auto sample = countsOf(project.path, first.runId, stages::kSample);
        QCOMPARE(sample.prompts, 2);
        QCOMPARE(sample.items, 4);
        QVERIFY(!sample.done);

        // 2. Started again, it continues the same run and stops after one refine batch.
        const auto second = pipeline::runPipeline(request, stopAfter(stages::kRefine, 1));
        QVERIFY2(second.outcome == Outcome::Cancelled, (std::string(toString(second.outcome)) + ": " + second.message).c_str());
        QVERIFY(second.resumed);
        QCOMPARE(second.runId, first.runId);
        sample = countsOf(project.path, first.runId, stages::kSample);
        QCOMPARE(sample.prompts, 6);
        QCOMPARE(sample.items, 12);
        QCOMPARE(sample.duplicates, 0);
        QVERIFY(sample.done);
        const auto critique = countsOf(project.path, first.runId, stages::kCritique);
        QCOMPARE(critique.items, 12);
        QVERIFY(critique.done);
        auto refine = countsOf(project.path, first.runId, stages::kRefine);
        QCOMPARE(refine.prompts, 1);
        QCOMPARE(refine.items, 2);

        // 3. The third start finishes every stage up to training, which has no pairs.
        const auto third = pipeline::runPipeline(request, RunContext{});
        QVERIFY2(third.outcome == Outcome::Failed, (std::string(toString(third.outcome)) + ": " + third.message).c_str());
        QVERIFY2(third.message.find("has no approved pairs to train on") != std::string::npos, third.message.c_str());
        QCOMPARE(third.runId, first.runId);
        refine = countsOf(project.path, first.runId, stages::kRefine);
        QCOMPARE(refine.prompts, 6);
        QCOMPARE(refine.items, 12); // the best imperfect answer of each prompt, refined twice
        QCOMPARE(refine.duplicates, 0);
        const auto refined = countsOf(project.path, first.runId, stages::kCritiqueRefined);
        QCOMPARE(refined.items, 12);
        QVERIFY(countsOf(project.path, first.runId, stages::kPairs).done);

        // The store agrees with the stage records: every candidate once, every one judged once.
        auto file = store::Project::open(project.path);
        store::CandidateRepository candidates(file.db());
        QCOMPARE(candidates.countSamples(), 12);
        QCOMPARE(candidates.countRefinements(), 12);
        QCOMPARE(store::CritiqueRepository(file.db()).count(), 24);
        for (const auto id : store::StageRepository(file.db()).prompts({first.runId, 0, stages::kSample}))
            QCOMPARE(candidates.count(id), 2 + 2);
        const auto runs = store::RunRepository(file.db()).list();
        QCOMPARE(runs.size(), std::size_t(1)); // one run, resumed twice
        QVERIFY(runs[0].status == store::RunStatus::Failed);
        QVERIFY(file.integrityProblems().empty());
    }

    void newFlagStartsAnotherRunAndModesAreSeparate()
    {
        const auto project = test::makePipelineProject(m_dir.path(), QStringLiteral("modes"), 6, 0);
        auto options = test::tinyOptions();
        options.promptsPerIteration = 2;
        const auto rlrf = pipeline::runPipeline({project.path, options, false, {}}, stopAfter(stages::kSample, 1));
        QVERIFY2(rlrf.outcome == Outcome::Cancelled, (std::string(toString(rlrf.outcome)) + ": " + rlrf.message).c_str());
        // The baseline does not resume the RLRF run, and samples n + k*m answers (same budget).
        options.mode = pipeline::PipelineMode::RewardOnly;
        const auto baseline = pipeline::runPipeline({project.path, options, false, {}}, RunContext{});
        QVERIFY(baseline.runId != rlrf.runId);
        QVERIFY(!baseline.resumed);
        QCOMPARE(countsOf(project.path, baseline.runId, stages::kSample).items, 2 * (2 + 2));
        QCOMPARE(countsOf(project.path, baseline.runId, stages::kRefine).items, 0);
        // --new: another RLRF run although one is unfinished.
        options.mode = pipeline::PipelineMode::Rlrf;
        const auto fresh = pipeline::runPipeline({project.path, options, true, {}}, stopAfter(stages::kSample, 1));
        QVERIFY(fresh.runId != rlrf.runId && fresh.runId != baseline.runId);
        QVERIFY(!fresh.resumed);
    }

    void resumedRunKeepsItsSettings()
    {
        const auto project = test::makePipelineProject(m_dir.path(), QStringLiteral("settings"), 6, 0);
        auto options = test::tinyOptions();
        options.promptsPerIteration = 2;
        const auto first = pipeline::runPipeline({project.path, options, false, {}}, stopAfter(stages::kSample, 1));
        auto changed = options;
        changed.samples = 5;   // ignored: the run continues with 2
        changed.iterations = 3; // taken: a run may be extended
        const auto second = pipeline::runPipeline({project.path, changed, false, {}}, stopAfter(stages::kCritique, 1));
        QCOMPARE(second.runId, first.runId);
        QCOMPARE(second.options.samples, 2);
        QCOMPARE(second.options.iterations, 3);
        QCOMPARE(countsOf(project.path, first.runId, stages::kSample).items, 4);
    }

    void evaluationIsWrittenOnceAcrossRestarts()
    {
        const auto project = test::makePipelineProject(m_dir.path(), QStringLiteral("evaluate"), 4, 3);
        auto options = test::tinyOptions();
        options.promptsPerIteration = 2;
        options.evalN = 3;
        const pipeline::PipelineRequest request{project.path, options, false, {}};
        const auto first = pipeline::runPipeline(request, RunContext{});
        QVERIFY2(first.message.find("has no approved pairs to train on") != std::string::npos, first.message.c_str());
        const auto second = pipeline::runPipeline(request, RunContext{});
        QCOMPARE(second.runId, first.runId);
        QVERIFY(second.resumed);
        auto file = store::Project::open(project.path);
        store::EvalAnswerRepository answers(file.db());
        QCOMPARE(answers.count(first.runId), 3); // M0's three answers, once
        const auto m0 = answers.forModel(first.runId, 0, "test");
        QCOMPARE(m0.size(), std::size_t(3));
        int accuracyRows = 0;
        for (const auto &e : second.evaluations) {
            accuracyRows += e.metric == "accuracy";
            QVERIFY2(e.metric.rfind("win_rate", 0) != 0, e.metric.c_str()); // M0 has none
        }
        QCOMPARE(accuracyRows, 1);
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestPipelineResume)
#include "tst_pipeline_resume.moc"
