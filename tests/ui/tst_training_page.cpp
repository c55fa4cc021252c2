// SPDX-License-Identifier: GPL-3.0-or-later
// The Training area, offscreen, with real DPO runs of the stories260K model on a
// project's approved pairs: the six live curves receive one point per step, hover,
// smoothing and export work, a click shows the step's pairs, pause and resume
// continue the same run (the step numbers go on and the learning rate follows the
// planned warm-up, checked against the formula, not restarted; a resume with other
// approved pairs is refused and the pause stays resumable), a wrong reference is
// flagged, and bad settings are refused.
#include "plots/metric_chart.h"
#include "plots/training_curves.h"
#include "ui/ui_test_helpers.h"
#include "views/dpo_settings_form.h"
#include "views/training_page.h"
#include "worker/job_controller.h"

#include "common/review_fixture.h"
#include "common/stories_fixture.h"

#include "core/logging.h"
#include "store/metric_repository.h"
#include "store/pair_repository.h"
#include "store/project_file.h"
#include "store/run_repository.h"

#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace rlrf;
using namespace rlrf::ui;

class TestTrainingPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        rlrf::log::init();
        rlrf::log::setConsoleLevel(spdlog::level::warn);
        QVERIFY(m_dir.isValid());
        m_model = QString::fromStdString(test::convertStories260K(m_dir.filePath(QStringLiteral("model"))));
        m_path = m_dir.filePath(QStringLiteral("train.rlrf"));
        auto project = store::Project::create(m_path.toStdString(), {"arith", m_model.toStdString(), {}, 0});
        const auto fixture = test::buildReviewProject(project, 6);
        store::PairRepository pairs(project.db());
        for (std::size_t i = 0; i < 4; ++i)
            pairs.setReviewState(fixture.pairIds[i], store::ReviewState::Approved, "ada");
        m_approved.assign(fixture.pairIds.begin(), fixture.pairIds.begin() + 4);
        m_pending = fixture.pairIds[4];
    }

    void curvesReceivePointsFromARealRun()
    {
        JobController jobs;
        TrainingPage page(&jobs);
        page.resize(1400, 900);
        page.setProject(m_path);
        QCOMPARE(page.settings()->policyFolder(), m_model);
        setUp(page, QStringLiteral("run1"), 1, 2, QStringLiteral("1e-3"));
        QSignalSpy finished(&page, &TrainingPage::runFinished);
        QVERIFY(page.launch());
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        const qint64 steps = 2 * 4; // 4 approved pairs, batch 1, 2 epochs
        for (const QString &key : TrainingCurves::chartedKeys())
            QCOMPARE(page.curves()->chart(key)->pointCount(), int(steps));
        auto *loss = page.curves()->chart(QStringLiteral("dpo/loss"));
        // Policy = reference at step 1: the loss starts at ln 2 and nothing is flagged.
        QVERIFY(std::abs(lossAt(loss, 1) - std::log(2.0)) < 1e-3);
        QVERIFY(!page.curves()->warnings().join(QString()).contains(QStringLiteral("reference mismatch")));
        // The plotted points are the ones stored with the run.
        auto project = store::Project::open(m_path.toStdString());
        const auto runId = page.lastResult().runId;
        QCOMPARE(store::MetricRepository(project.db()).series(runId, "dpo/loss").back().value, loss->lastValue());
        QCOMPARE(store::toString(store::RunRepository(project.db()).byId(runId).status), store::toString(store::RunStatus::Succeeded));

        // Hover, smoothing, zoom-independent fit, export.
        QVERIFY(loss->hoverTextAt(3.2).startsWith(QStringLiteral("step 3:")));
        page.curves()->setSmoothing(0.0);
        QCOMPARE(loss->smoothedLast(), loss->lastValue());
        page.curves()->setSmoothing(0.9);
        QVERIFY(loss->smoothedLast() != loss->lastValue());
        const QString png = m_dir.filePath(QStringLiteral("curves.png"));
        const QString pdf = m_dir.filePath(QStringLiteral("curves.pdf"));
        QVERIFY(page.curves()->exportPng(png));
        QVERIFY(page.curves()->exportPdf(pdf));
        QVERIFY(QImage(png).width() > 100);
        QVERIFY(QFileInfo(pdf).size() > 1000);

        // A click on step 6 lists the pairs the step plan gives that step.
        loss->clickAt(6.1);
        const auto plan = pipeline::stepPairIds(*page.settings()->config(), m_approved);
        const auto shown = page.shownStepPairs();
        QCOMPARE(shown.size(), 1);
        QVERIFY2(shown[0].contains(QStringLiteral("pair %1:").arg(plan[5][0])), qPrintable(shown[0]));
        test::saveScreenshot(page, QStringLiteral("training.png"));
        m_trained = QString::fromStdString(page.lastResult().training.checkpoint);

        // Reopened later, the area shows the same run from the store.
        TrainingPage again(&jobs);
        again.setProject(m_path);
        auto *stored = again.curves()->chart(QStringLiteral("dpo/loss"));
        QCOMPARE(stored->pointCount(), int(steps));
        QCOMPARE(stored->lastValue(), loss->lastValue());
        QCOMPARE(again.settings()->iteration(), 2); // M1 exists: the next run makes M2
        // The form shows the stored run's own settings, not the defaults.
        const auto shownConfig = again.settings()->config();
        QVERIFY(shownConfig);
        QCOMPARE(shownConfig->epochs, std::int64_t(2));
        QCOMPARE(shownConfig->batchSize, std::int64_t(1));
        QCOMPARE(shownConfig->learningRate, 1e-3);
        QVERIFY(again.statusText().contains(QStringLiteral("read from the project")));
        stored->clickAt(6);
        QCOMPARE(again.shownStepPairs(), shown); // the stored run names its steps' pairs too
        keepProjectForScreenshots();
    }

    void pauseStopsWithACheckpointAndResumeContinuesTheRun()
    {
        JobController jobs;
        TrainingPage page(&jobs);
        page.setProject(m_path);
        // 4 pairs, batch 1, 40 epochs: 160 steps, the first ceil(0.1 x 160) = 16 warm-up.
        setUp(page, QStringLiteral("paused"), 1, 40, QStringLiteral("1e-4"));
        QSignalSpy finished(&page, &TrainingPage::runFinished);
        QVERIFY(page.launch());
        auto *loss = page.curves()->chart(QStringLiteral("dpo/loss"));
        auto *lr = page.curves()->chart(QStringLiteral("dpo/learning_rate"));
        QTRY_VERIFY_WITH_TIMEOUT(loss->pointCount() >= 2, 60000);
        page.pause();
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY2(page.statusText().startsWith(QStringLiteral("Paused after step")), qPrintable(page.statusText()));
        const int pausedAt = loss->pointCount();
        QVERIFY(pausedAt < 160);
        const QString checkpoint = QString::fromStdString(page.lastResult().training.checkpoint);
        QCOMPARE(checkpoint, m_dir.filePath(QStringLiteral("paused/checkpoint-%1").arg(pausedAt)));
        QVERIFY(QFileInfo::exists(checkpoint + QStringLiteral("/optimizer.pt")));

        // Approving another pair while paused changes the run's pairs: the resume is
        // refused, naming why, and the pause can still be resumed once it is undone.
        store::ReviewState before;
        {
            auto project = store::Project::open(m_path.toStdString());
            before = store::PairRepository(project.db()).byId(m_pending).reviewState;
            store::PairRepository(project.db()).setReviewState(m_pending, store::ReviewState::Approved, "ada");
        }
        QVERIFY(page.resume());
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.at(1).at(0).toBool(), false);
        QVERIFY2(page.statusText().contains(QStringLiteral("another pair set")), qPrintable(page.statusText()));
        QCOMPARE(loss->pointCount(), pausedAt);
        {
            auto project = store::Project::open(m_path.toStdString());
            store::PairRepository(project.db()).setReviewState(m_pending, before, "ada");
        }

        QVERIFY(page.resume());
        QVERIFY2(page.statusText().startsWith(QStringLiteral("Resuming after step %1").arg(pausedAt)),
                 qPrintable(page.statusText()));
        QTRY_VERIFY_WITH_TIMEOUT(loss->pointCount() >= pausedAt + 2, 60000);
        page.stop();
        QVERIFY(finished.wait(60000));
        QVERIFY(!page.resume()); // a stopped run is not paused
        // One run: steps 1, 2, ... without a gap or a restart, the resumed ones
        // reported by the backend under their own numbers.
        QCOMPARE(loss->stepAt(pausedAt), double(pausedAt + 1));
        QCOMPARE(lr->pointCount(), loss->pointCount());
        for (int i = 0; i < lr->pointCount(); ++i) {
            QCOMPARE(lr->stepAt(i), double(i + 1));
            // TRL's schedule: linear warm-up to the peak over 16 steps, then cosine to 0 at 160.
            const double step = i + 1;
            const double expected = step <= 16 ? 1e-4 * step / 16.0
                                               : 1e-4 * 0.5 * (1.0 + std::cos(M_PI * (step - 17.0) / 144.0));
            QVERIFY2(std::abs(lr->valueAt(step).value_or(-1.0) - expected) <= 1e-12,
                     qPrintable(QStringLiteral("step %1: %2, expected %3").arg(step).arg(*lr->valueAt(step)).arg(expected)));
        }
        // The resumed run continued in the paused run's folder and is stored with
        // its own steps, numbered after the pause.
        QVERIFY(QString::fromStdString(page.lastResult().training.checkpoint).startsWith(m_dir.filePath(QStringLiteral("paused/"))));
        auto project = store::Project::open(m_path.toStdString());
        const auto stored = store::MetricRepository(project.db()).series(page.lastResult().runId, "dpo/learning_rate");
        QVERIFY(!stored.empty());
        QCOMPARE(stored.front().step, std::int64_t(pausedAt + 1));
        // A click on a resumed step still names its pairs from the run's plan.
        loss->clickAt(pausedAt + 1);
        const auto plan = pipeline::stepPairIds(*page.settings()->config(), m_approved);
        QCOMPARE(page.shownStepPairs().size(), 1);
        QVERIFY(page.shownStepPairs()[0].contains(QStringLiteral("pair %1:").arg(plan[std::size_t(pausedAt)][0])));
    }

    void aReferenceThatIsNotThePolicyIsFlagged()
    {
        QVERIFY2(!m_trained.isEmpty(), "needs the first test's trained model");
        JobController jobs;
        TrainingPage page(&jobs);
        page.resize(1400, 900);
        page.setProject(m_path);
        setUp(page, QStringLiteral("mismatch"), 1, 1, QStringLiteral("1e-6"));
        page.settings()->setReferenceFolder(m_trained); // M1 as the reference of M0
        page.settings()->setBeta(2.0);
        QSignalSpy finished(&page, &TrainingPage::runFinished);
        QVERIFY(page.launch());
        QVERIFY(finished.wait(120000));
        const auto warnings = page.curves()->warnings();
        QVERIFY2(warnings.join(QString()).contains(QStringLiteral("reference mismatch")), qPrintable(warnings.join(QLatin1Char('\n'))));
        QCOMPARE(page.curves()->chart(QStringLiteral("dpo/loss"))->flags().size(), 1);
    }

    void chosenAndRejectedFallingTogetherIsFlagged()
    {
        // The curves widget alone, fed the pattern by hand: both log-probs fall.
        TrainingCurves curves;
        for (int step = 1; step <= 6; ++step) {
            curves.addMetric(step, QStringLiteral("dpo/loss"), std::log(2.0) - 0.01 * step);
            curves.addMetric(step, QStringLiteral("dpo/logps/chosen"), -20.0 - step);
            curves.addMetric(step, QStringLiteral("dpo/logps/rejected"), -20.0 - 3.0 * step);
        }
        QCOMPARE(curves.warnings().size(), 1);
        QVERIFY(curves.warnings()[0].startsWith(QStringLiteral("likelihood displacement")));
        QCOMPARE(curves.chart(QStringLiteral("dpo/loss"))->flags().size(), 1);
        QCOMPARE(curves.chart(QStringLiteral("dpo/loss"))->pointCount(), 6);
        QVERIFY(!curves.chart(QStringLiteral("dpo/logps/chosen"))); // fed to the flags, not charted
        curves.clear();
        QVERIFY(curves.warnings().isEmpty());
    }

    // With an NLL term the first loss is ln 2 plus the NLL; the first step's
    // rewards, 0 when the policy is its own reference, decide. A step's points
    // come in any order (the store returns them key by key).
    void anNllTermIsNoReferenceMismatch()
    {
        TrainingCurves curves;
        for (int step = 1; step <= 3; ++step) {
            curves.addMetric(step, QStringLiteral("dpo/loss"), 0.7633 - 0.01 * step);
            curves.addMetric(step, QStringLiteral("dpo/rewards/chosen"), step == 1 ? 0.0 : 0.01 * step);
            curves.addMetric(step, QStringLiteral("dpo/rewards/rejected"), step == 1 ? 0.0 : -0.01 * step);
        }
        curves.finish();
        QVERIFY2(curves.warnings().isEmpty(), qPrintable(curves.warnings().join(QLatin1Char('\n'))));
        curves.clear();
        curves.addMetric(1, QStringLiteral("dpo/loss"), 0.7633);
        curves.addMetric(1, QStringLiteral("dpo/rewards/chosen"), -0.4);
        curves.addMetric(1, QStringLiteral("dpo/rewards/rejected"), -0.1);
        QVERIFY(curves.warnings().isEmpty()); // step 1 may still be arriving
        curves.finish();
        QCOMPARE(curves.warnings().size(), 1);
        QVERIFY(curves.warnings()[0].startsWith(QStringLiteral("reference mismatch")));
    }

    void badSettingsAreRefusedBeforeAnythingStarts()
    {
        JobController jobs;
        TrainingPage page(&jobs);
        page.setProject(m_path);
        page.settings()->setLearningRateText(QStringLiteral("fast"));
        QVERIFY(!page.launch());
        QVERIFY(page.statusText().contains(QStringLiteral("not a number")));
        page.settings()->setLearningRateText(QStringLiteral("-1"));
        QVERIFY(!page.launch());
        QVERIFY2(page.statusText().contains(QStringLiteral("learning_rate")), qPrintable(page.statusText()));
        page.settings()->setLearningRateText(QStringLiteral("1e-3"));
        page.settings()->setBeta(0.0);
        QVERIFY(!page.launch());
        QVERIFY2(page.statusText().contains(QStringLiteral("beta")), qPrintable(page.statusText()));
        QVERIFY(!page.isRunning());
    }

    // A DPO run another thread or process is writing: each follow adds the steps
    // written since (the newest waits until the next one or the end, since its
    // points may not all be there yet), and the finished run shows every step.
    void aRunningRunIsFollowedStepByStep()
    {
        const QString path = m_dir.filePath(QStringLiteral("follow.rlrf"));
        QVERIFY(QFile::copy(m_path, path));
        std::int64_t runId = 0;
        const auto writeStep = [&](std::int64_t step) {
            auto project = store::Project::open(path.toStdString());
            store::MetricRepository(project.db())
                .append(runId, {{step, "dpo/loss", 0.7 - 0.1 * static_cast<double>(step)},
                                {step, "dpo/rewards/chosen", 0.1 * static_cast<double>(step)}});
        };
        {
            auto project = store::Project::open(path.toStdString());
            runId = store::RunRepository(project.db()).start(store::RunKind::Dpo, 1, "{}");
        }
        JobController jobs;
        TrainingPage page(&jobs);
        page.setProject(path);
        writeStep(1);
        writeStep(2);
        page.followNewestRun();
        QCOMPARE(page.shownStoredRun(), runId);
        QCOMPARE(page.shownStoredStep(), std::int64_t{1});
        auto *loss = page.curves()->chart(QStringLiteral("dpo/loss"));
        QCOMPARE(loss->pointCount(), 1);
        writeStep(3);
        page.followNewestRun();
        QCOMPARE(page.shownStoredStep(), std::int64_t{2});
        QCOMPARE(loss->pointCount(), 2); // added, not redrawn twice
        {
            auto project = store::Project::open(path.toStdString());
            store::RunRepository(project.db()).finish(runId, store::RunStatus::Succeeded);
        }
        page.followNewestRun();
        QCOMPARE(page.shownStoredStep(), std::int64_t{3});
        QCOMPARE(loss->pointCount(), 3);
        QCOMPARE(lossAt(loss, 3.0), 0.7 - 0.3);
        QVERIFY(page.statusText().contains(QStringLiteral("succeeded")));
    }

    void aRelativeModelFolderIsTheProjectsNeighbour()
    {
        const QString path = m_dir.filePath(QStringLiteral("sub/relative.rlrf"));
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("sub"))));
        { store::Project::create(path.toStdString(), {"arith", "models/demo", {}, 0}); }
        JobController jobs;
        TrainingPage page(&jobs);
        page.setProject(path);
        QCOMPARE(page.settings()->policyFolder(), m_dir.filePath(QStringLiteral("sub/models/demo")));
    }

private:
    void setUp(TrainingPage &page, const QString &out, int batch, int epochs, const QString &lr)
    {
        train::DpoConfig config;
        config.batchSize = batch;
        config.epochs = epochs;
        page.settings()->setConfig(config);
        page.settings()->setLearningRateText(lr);
        page.settings()->setOutputFolder(m_dir.filePath(out));
    }

    static double lossAt(MetricChart *chart, double step)
    {
        return chart->valueAt(step).value_or(-1.0);
    }

    // With RLRF_SCREENSHOT_DIR set, the project with its real run is kept there so
    // the documentation's window screenshots can open it.
    void keepProjectForScreenshots()
    {
        const QString dir = qEnvironmentVariable("RLRF_SCREENSHOT_DIR");
        if (dir.isEmpty())
            return;
        auto project = store::Project::open(m_path.toStdString());
        const QString target = dir + QStringLiteral("/trained.rlrf");
        QFile::remove(target);
        project.db().exec("VACUUM INTO '" + target.toStdString() + "'");
    }

    QTemporaryDir m_dir;
    QString m_model, m_path, m_trained;
    std::vector<std::int64_t> m_approved;
    std::int64_t m_pending = 0; // a pair left unreviewed
};

QTEST_MAIN(TestTrainingPage)
#include "tst_training_page.moc"
