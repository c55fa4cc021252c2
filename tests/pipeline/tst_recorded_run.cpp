// SPDX-License-Identifier: GPL-3.0-or-later
// The one path every trainer's run is recorded by (pipeline/run/recorded_run.h):
// a step's metric points reach the store when the step ends, not when the run
// does (a killed run keeps its curves); non-finite values reach the listener
// but not the store; the checkpoint, its parent and the run's end land in one
// transaction with what the caller adds; a run left open by an exception ends
// failed, not "running"; a pass a killed process left open is removed before
// it starts over, or kept up to its checkpoint's step when it continues from
// it, and facts written again on resume replace the old point; and a model folder maps to its checkpoint record (M0's
// created on first use) so lineage holds whichever way a model was trained.
#include "pipeline/run/recorded_run.h"
#include "pipeline/run/run_setup.h"
#include "store/checkpoint_repository.h"
#include "store/metric_repository.h"
#include "store/run_repository.h"
#include "store/stage_repository.h"
#include "types/metric_names.h"

#include <QDir>
#include <QTemporaryDir>

#include <QtTest/QtTest>

#include <cmath>
#include <limits>

using namespace rlrf;

class TestRecordedRun : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    store::Project newProject(const QString &name)
    {
        return store::Project::create(m_dir.filePath(name).toStdString(), {"arith", "models/demo", {}, 0});
    }

private Q_SLOTS:
    void metricsReachTheStorePerStep()
    {
        auto project = newProject(QStringLiteral("steps.rlrf"));
        std::vector<std::pair<std::int64_t, double>> heard;
        RunContext outer;
        outer.onMetric = [&](std::int64_t step, const std::string &, double value) { heard.push_back({step, value}); };
        pipeline::RecordedRun run(project, store::RunKind::Sft, 1, {{"learning_rate", 1e-5}});
        const auto context = run.recording(outer);
        store::MetricRepository metrics(project.db());

        context.metric(1, "sft/loss", 2.0);
        context.metric(1, "sft/grad_norm", 0.5);
        QCOMPARE(metrics.count(run.id()), std::int64_t(0)); // step 1 still in flight
        context.metric(2, "sft/loss", 1.5);                 // step 1 ended
        QCOMPARE(metrics.count(run.id()), std::int64_t(2));
        context.metric(2, "sft/grad_norm", std::numeric_limits<double>::quiet_NaN());
        context.progress(2, 10, "sft");                     // step 2 ended; 10 steps in all
        QCOMPARE(metrics.count(run.id()), std::int64_t(4));
        const auto total = metrics.series(run.id(), metrics::kRunTotalSteps);
        QCOMPARE(total.size(), std::size_t(1));
        QCOMPARE(total.front().value, 10.0);
        context.progress(3, 10, "sft");                     // the same total is not written again
        QCOMPARE(metrics.series(run.id(), metrics::kRunTotalSteps).size(), std::size_t(1));
        QCOMPARE(heard.size(), std::size_t(4));             // the NaN still reached the listener
        QVERIFY(std::isnan(heard.back().second));
        QCOMPARE(metrics.series(run.id(), "sft/loss").size(), std::size_t(2));

        // What a kill leaves: the run row says running, the finished steps are kept.
        QCOMPARE(store::toString(store::RunRepository(project.db()).byId(run.id()).status),
                 store::toString(store::RunStatus::Running));
        run.finish(Outcome::Cancelled, "stopped by the user");
        const auto row = store::RunRepository(project.db()).byId(run.id());
        QCOMPARE(store::toString(row.status), store::toString(store::RunStatus::Cancelled));
        QCOMPARE(row.message, std::string("stopped by the user"));
        QVERIFY(row.hyperParametersJson.find("learning_rate") != std::string::npos);
    }

    void checkpointParentAndEndLandTogether()
    {
        auto project = newProject(QStringLiteral("checkpoint.rlrf"));
        const auto parent = pipeline::ensureBaseCheckpoint(project, "models/demo");
        pipeline::RecordedRun run(project, store::RunKind::Dpo, 1, nlohmann::json::object());
        const auto context = run.recording({});
        context.metric(1, "dpo/loss", 0.69);
        const store::StageKey key{run.id(), 0, "train"};
        const auto id = run.finishWithCheckpoint("runs/M1/final", parent, 1, [&] {
            store::StageRepository(project.db()).markDone(key);
        });
        const auto c = store::CheckpointRepository(project.db()).byId(id);
        QCOMPARE(c.parentId, std::optional<std::int64_t>(parent));
        QCOMPARE(c.runId, std::optional<std::int64_t>(run.id()));
        QCOMPARE(c.iteration, 1);
        QCOMPARE(store::toString(store::RunRepository(project.db()).byId(run.id()).status),
                 store::toString(store::RunStatus::Succeeded));
        QVERIFY(store::StageRepository(project.db()).isDone(key));
        QCOMPARE(store::MetricRepository(project.db()).count(run.id()), std::int64_t(1)); // flushed first
        QCOMPARE(store::CheckpointRepository(project.db()).lineage(id).size(), std::size_t(2));
    }

    void aRunLeftOpenByAnErrorEndsFailed()
    {
        auto project = newProject(QStringLiteral("error.rlrf"));
        std::int64_t id = 0;
        try {
            pipeline::RecordedRun run(project, store::RunKind::Dpo, 1, nlohmann::json::object());
            id = run.id();
            run.recording({}).metric(1, "dpo/loss", 0.5);
            throw std::runtime_error("the model folder vanished");
        } catch (const std::runtime_error &) {
        }
        const auto row = store::RunRepository(project.db()).byId(id);
        QCOMPARE(store::toString(row.status), store::toString(store::RunStatus::Failed));
        QVERIFY(!row.message.empty());
        QCOMPARE(store::MetricRepository(project.db()).count(id), std::int64_t(1)); // nothing lost
    }

    void passesLeftOpenByAKillAreSettled()
    {
        auto project = newProject(QStringLiteral("killed.rlrf"));
        store::MetricRepository metrics(project.db());
        store::RunRepository runs(project.db());
        auto openPass = [&](store::RunKind kind, std::int64_t pipelineRun, int steps) {
            std::int64_t id = 0;
            {
                pipeline::RecordedRun run(project, kind, 1, {{"pipeline_run", pipelineRun}});
                const auto context = run.recording({});
                for (int step = 1; step <= steps; ++step)
                    context.metric(step, "dpo/loss", 1.0 / step);
                context.progress(steps, 8, "dpo");
                id = run.id();
            }
            // What SIGKILL leaves: no destructor runs, the row stays 'running'.
            project.db().exec("UPDATE runs SET status = 'running', ended_at = NULL WHERE id = " + std::to_string(id));
            return id;
        };
        const auto first = openPass(store::RunKind::Dpo, 7, 3);
        const auto second = openPass(store::RunKind::Dpo, 7, 5);
        const auto otherRun = openPass(store::RunKind::Dpo, 8, 2);
        const auto sft = openPass(store::RunKind::Sft, 7, 2);

        // Continuing from a checkpoint after step 4: the newest pass is kept with
        // its points up to step 4 (and its step total), the older one removed.
        const auto kept = pipeline::settleInterruptedPasses(project, store::RunKind::Dpo, 1, 7, std::int64_t(4));
        QCOMPARE(kept, std::optional<std::int64_t>(second));
        QCOMPARE(metrics.series(second, "dpo/loss").size(), std::size_t(4));
        QCOMPARE(metrics.series(second, metrics::kRunTotalSteps).size(), std::size_t(1));
        QCOMPARE(metrics.count(first), std::int64_t(0));
        bool firstGone = true;
        for (const auto &r : runs.list())
            firstGone = firstGone && r.id != first;
        QVERIFY(firstGone);
        {
            pipeline::RecordedRun continued(project, second);
            const auto context = continued.recording({});
            context.metric(5, "dpo/loss", 0.2);
            context.progress(5, 8, "dpo"); // the known total is not written twice
            continued.finish(Outcome::Succeeded);
        }
        QCOMPARE(metrics.series(second, "dpo/loss").size(), std::size_t(5));
        QCOMPARE(metrics.series(second, metrics::kRunTotalSteps).size(), std::size_t(1));

        // Starting over: every open pass of that kind and pipeline run goes; others stay.
        QVERIFY(!pipeline::settleInterruptedPasses(project, store::RunKind::Sft, 1, 7, std::nullopt));
        QCOMPARE(metrics.count(sft), std::int64_t(0));
        QCOMPARE(store::toString(runs.byId(otherRun).status), store::toString(store::RunStatus::Running));
        QCOMPARE(store::toString(runs.byId(second).status), store::toString(store::RunStatus::Succeeded));

        // A fact written again replaces its point.
        metrics.replace(otherRun, {{1, "time/sample", 3.0}});
        metrics.replace(otherRun, {{1, "time/sample", 4.0}});
        const auto times = metrics.series(otherRun, "time/sample");
        QCOMPARE(times.size(), std::size_t(1));
        QCOMPARE(times.front().value, 4.0);
    }

    void aModelFolderMapsToItsCheckpoint()
    {
        auto project = newProject(QStringLiteral("lineage.rlrf"));
        QVERIFY(!pipeline::checkpointOfFolder(project, m_dir.filePath(QStringLiteral("elsewhere")).toStdString()));
        store::CheckpointRecord m1;
        m1.path = m_dir.filePath(QStringLiteral("runs/M1/final")).toStdString();
        m1.iteration = 1;
        const auto id = store::CheckpointRepository(project.db()).add(m1);
        QCOMPARE(pipeline::checkpointOfFolder(project, m_dir.filePath(QStringLiteral("runs/./M1/final")).toStdString()),
                 std::optional<std::int64_t>(id));
    }
};

QTEST_GUILESS_MAIN(TestRecordedRun)
#include "tst_recorded_run.moc"
