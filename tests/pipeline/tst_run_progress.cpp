// SPDX-License-Identifier: GPL-3.0-or-later
// The stage view of a run, read from the project file alone (what a window
// following a run from this or another process shows): a finished run reads as
// done everywhere with its step counts and the CLI's time table; a run waiting
// for review shows the review gate with its pending pairs and continues once
// they are approved; a stopped run shows where it stopped. On the shipped
// arith-demo model, which gets some problems right and so yields pairs.
#include "common/error_assert.h"
#include "common/pipeline_fixture.h"
#include "common/test_paths.h"

#include "pipeline/review/pair_review.h"
#include "pipeline/run/rlrf_run.h"
#include "pipeline/run/run_progress.h"
#include "store/database.h"
#include "store/pair_repository.h"
#include "store/project_file.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace rlrf;
using pipeline::StageState;

namespace {

pipeline::PipelineOptions smallRun()
{
    auto options = test::tinyOptions();
    options.promptsPerIteration = 6;
    options.samples = 3;
    options.maxNewTokens = 40;
    options.batchPrompts = 3;
    options.delta = 0.05;
    options.evalN = 3;
    options.evalMaxNewTokens = 40;
    return options;
}

const pipeline::StageCell &cell(const pipeline::RunProgress &view, int row, const std::string &stage)
{
    for (const auto &c : view.rows.at(static_cast<std::size_t>(row)).cells)
        if (c.stage == stage)
            return c;
    throw std::runtime_error("no column " + stage);
}

pipeline::RunProgress readView(const std::string &path, std::int64_t runId)
{
    store::Database reader(path, store::OpenMode::OpenExisting);
    return pipeline::readRunProgress(reader, runId);
}

} // namespace

class TestRunProgress : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_project = test::makePipelineProject(m_dir.path(), QStringLiteral("progress"), 30, 6,
                                              test::sourceDir() + QStringLiteral("/resources/models/arith-demo"));
    }

    void finishedRunReadsAsDone()
    {
        const auto result = pipeline::runPipeline({m_project.path, smallRun(), true, {}}, RunContext{});
        QVERIFY2(result.outcome == Outcome::Succeeded, result.message.c_str());
        const auto view = readView(m_project.path, result.runId);
        QCOMPARE(view.method, std::string("rlrf"));
        QCOMPARE(view.columns.size(), std::size_t{9});
        QCOMPARE(view.rows.size(), std::size_t{2}); // iteration 0, and M1's evaluation
        for (const auto &c : view.rows[0].cells)
            QVERIFY2(c.state == StageState::Done, (c.stage + " is " + toString(c.state)).c_str());
        QCOMPARE(cell(view, 0, "sample").done, std::int64_t{6});
        QCOMPARE(cell(view, 0, "sample").total, std::int64_t{6});
        const auto &dpo = cell(view, 0, "train");
        QVERIFY(dpo.total > 0);
        QCOMPARE(dpo.done, dpo.total);
        QVERIFY(cell(view, 0, "review").total > 0); // auto-approved pairs count as reviewed
        QCOMPARE(cell(view, 0, "review").done, cell(view, 0, "review").total);
        QVERIFY(cell(view, 1, "evaluate").state == StageState::Done);
        QVERIFY(cell(view, 1, "sample").state == StageState::Pending);
        QCOMPARE(view.timeTable, pipeline::formatStageTimes(result.times)); // the table the CLI prints
        QCOMPARE(view.pendingReview, std::int64_t{0});
        QVERIFY(view.current.empty());
        QVERIFY(view.training && view.training->kind == store::RunKind::Dpo);
        QCOMPARE(pipeline::stageLabel("critique_refined"), std::string("critique of refinements"));
        RLRF_VERIFY_THROWS_WITH(pipeline::runPipeline({m_project.path, smallRun(), false, result.runId}, RunContext{}),
                                "has finished; start a new run instead");
    }

    // The ablations run end to end: without refinement the refine stages are
    // neither run nor shown, without DPO the pass's model is M1 and the DPO
    // column is gone; every stage shown is done.
    void ablationRunShowsOnlyTheStagesItRuns()
    {
        auto options = smallRun();
        options.refinements = 0;
        options.dpoPass = false;
        const auto result = pipeline::runPipeline({m_project.path, options, true, {}}, RunContext{});
        QVERIFY2(result.outcome == Outcome::Succeeded, result.message.c_str());
        QCOMPARE(result.iterationsDone, 1);
        const auto view = readView(m_project.path, result.runId);
        QCOMPARE(view.columns, (std::vector<std::string>{"sample", "critique", "pairs", "review", "sft", "evaluate"}));
        for (const auto &c : view.rows[0].cells)
            QVERIFY2(c.state == StageState::Done, (c.stage + " is " + toString(c.state)).c_str());
        QVERIFY(view.training && view.training->kind == store::RunKind::Sft);
        for (const auto &t : result.times)
            QVERIFY2(t.stage != "refine" && t.stage != "critique_refined", t.stage.c_str());
        QVERIFY(cell(view, 1, "evaluate").state == StageState::Done);
    }

    void reviewGateShowsAndContinues()
    {
        auto options = smallRun();
        options.autoApprove = false;
        const auto waiting = pipeline::runPipeline({m_project.path, options, true, {}}, RunContext{});
        QVERIFY(waiting.waitingForReview);
        auto view = readView(m_project.path, waiting.runId);
        const auto review = cell(view, 0, "review"); // a copy: `view` is read again below
        QVERIFY(review.state == StageState::Waiting);
        QVERIFY(review.total > 0);
        QCOMPARE(review.done, std::int64_t{0});
        QCOMPARE(view.pendingReview, review.total);
        QVERIFY(cell(view, 0, "pairs").state == StageState::Done);
        QVERIFY(cell(view, 0, "train").state == StageState::Pending);
        QVERIFY2(view.current.find("review") != std::string::npos, view.current.c_str());

        {
            auto project = store::Project::open(m_project.path);
            store::PairRepository pairs(project.db());
            store::PageRequest all;
            all.limit = 100000;
            for (const auto &pair : pairs.page(all, store::ReviewState::Pending))
                pairs.setReviewState(pair.id, store::ReviewState::Approved, "test");
        }
        // Resumed by its id, as the window does for the run a person selected.
        const auto resumed = pipeline::runPipeline({m_project.path, options, false, waiting.runId}, RunContext{});
        QVERIFY2(resumed.outcome == Outcome::Succeeded, resumed.message.c_str());
        QCOMPARE(resumed.runId, waiting.runId);
        view = readView(m_project.path, waiting.runId);
        QVERIFY(cell(view, 0, "review").state == StageState::Done);
        QCOMPARE(cell(view, 0, "review").done, review.total);
        QVERIFY(cell(view, 0, "train").state == StageState::Done);
    }

    void stoppedRunShowsWhereItStopped()
    {
        RunContext context;
        auto cancel = context.cancel;
        context.onProgress = [cancel](const Progress &p) mutable {
            if (p.stage == "iteration 0 sample" && p.done >= 3)
                cancel.requestStop();
        };
        const auto stopped = pipeline::runPipeline({m_project.path, smallRun(), true, {}}, context);
        QVERIFY(stopped.outcome == Outcome::Cancelled);
        const auto view = readView(m_project.path, stopped.runId);
        QVERIFY(view.run.status == store::RunStatus::Cancelled);
        const auto &sample = cell(view, 0, "sample");
        QVERIFY2(sample.state == StageState::Stopped, toString(sample.state).c_str());
        QCOMPARE(sample.done, std::int64_t{3});
        QCOMPARE(sample.total, std::int64_t{6});
        QVERIFY(cell(view, 0, "critique").state == StageState::Pending);
        QVERIFY(view.current.empty()); // nothing runs
        // Newest first, and only loop runs.
        store::Database reader(m_project.path, store::OpenMode::OpenExisting);
        const auto runs = pipeline::loopRuns(reader);
        QVERIFY(!runs.empty());
        QCOMPARE(runs.front().id, stopped.runId);
        for (const auto &run : runs)
            QVERIFY(run.kind == store::RunKind::Rlrf || run.kind == store::RunKind::Rrr);
        const auto dpoRun = view.training ? view.training->runId : std::int64_t{0};
        if (dpoRun == 0) {
            // This run trained nothing; ask for an earlier run's DPO pass instead.
            const auto earlier = readView(m_project.path, runs.back().id);
            QVERIFY(earlier.training);
            RLRF_VERIFY_THROWS_WITH(pipeline::readRunProgress(reader, earlier.training->runId), "not an RLRF");
        }
    }

private:
    QTemporaryDir m_dir;
    test::PipelineProject m_project;
};

QTEST_GUILESS_MAIN(TestRunProgress)
#include "tst_run_progress.moc"
