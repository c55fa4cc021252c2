// SPDX-License-Identifier: GPL-3.0-or-later
// The Iterations dashboard, offscreen, on real rows written through the store's
// repositories: evaluation results of M0 and M1, the pairs M0's samples yielded,
// and the DPO run that produced M1. Every plotted value is checked against what
// was written. Then a real one-iteration RLRF run on the shipped demo model
// (resources/models/arith-demo, arith problems from the task's generator): the
// win-rate chart shows the M1 value the run wrote, which is recomputed here from
// the answers it stored, against a reference line at 0.5.
#include "ui/ui_test_helpers.h"
#include "views/iterations_page.h"

#include "common/pipeline_fixture.h"
#include "common/review_fixture.h"
#include "common/test_paths.h"

#include "core/logging.h"
#include "eval/win_rate.h"
#include "pipeline/run/rlrf_run.h"
#include "store/eval_answer_repository.h"
#include "store/pair_repository.h"
#include "store/run_repository.h"

#include <QTableWidget>
#include <QLabel>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest/QtTest>

using namespace rlrf;
using rlrf::ui::IterationsPage;

class TestIterationsPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        rlrf::log::init();
        rlrf::log::setConsoleLevel(spdlog::level::warn);
        QVERIFY(m_dir.isValid());
    }

    void showsEveryIterationFromTheStore()
    {
        const QString path = m_dir.filePath(QStringLiteral("loop.rlrf"));
        std::int64_t dpoRun = 0;
        {
            auto project = store::Project::create(path.toStdString(), {"arith", "models/demo", {}, 0});
            test::buildReviewProject(project, 4); // M0's samples: 4 prompts, 4 pairs
            store::RunRepository runs(project.db());
            dpoRun = runs.start(store::RunKind::Dpo, 1, R"({"beta":0.1})");
            QThread::msleep(1100); // a measurable training time
            runs.finish(dpoRun, store::RunStatus::Succeeded);
            const auto eval0 = runs.start(store::RunKind::Eval, 0, "{}");
            const auto eval1 = runs.start(store::RunKind::Eval, 1, "{}");
            auto add = [&](std::int64_t run, int iteration, const char *metric, double value) {
                runs.addEvalResult({0, run, iteration, "test", metric, value, 40});
            };
            add(eval0, 0, "accuracy", 0.25);
            add(eval0, 0, "overall", 0.4);
            add(eval0, 0, "aspect/Factuality", 1.5);
            add(eval0, 0, "aspect/Readability", 2.0);
            add(eval1, 1, "accuracy", 0.45);
            add(eval1, 1, "overall", 0.6);
            add(eval1, 1, "aspect/Factuality", 2.25);
            add(eval1, 1, "aspect/Readability", 2.5);
            add(eval1, 1, "win_rate", 0.7);
            runs.addEvalResult({0, eval1, 1, "validation", "accuracy", 0.99, 10}); // another split: not shown
        }
        IterationsPage page;
        page.resize(1400, 900);
        QVERIFY(page.setProject(path));
        const auto &summaries = page.summaries();
        QCOMPARE(summaries.size(), std::size_t(2));
        QCOMPARE(summaries[0].iteration, 0);
        QCOMPARE(summaries[1].iteration, 1);

        QCOMPARE(page.valueAt(QStringLiteral("accuracy"), 0, 0).value_or(-1.0), 0.25);
        QCOMPARE(page.valueAt(QStringLiteral("accuracy"), 0, 1).value_or(-1.0), 0.45);
        QCOMPARE(page.valueAt(QStringLiteral("yield"), 0, 0).value_or(-1.0), 1.0); // 4 pairs from 4 prompts
        QCOMPARE(page.valueAt(QStringLiteral("winrate"), 0, 1).value_or(-1.0), 0.7);
        QCOMPARE(page.valueAt(QStringLiteral("winrate"), 0, 0).value_or(-1.0), -1.0); // M0 has nothing to beat
        const double seconds = page.valueAt(QStringLiteral("time"), 0, 1).value_or(-1.0);
        QVERIFY2(seconds >= 1.0 && seconds < 60.0, qPrintable(QString::number(seconds)));
        // Aspects: one bar series per model, aspects by name on the axis.
        const QString aspects = QStringLiteral("aspects");
        QCOMPARE(page.seriesCount(aspects), 2);
        QCOMPARE(page.valueAt(aspects, 0, 0).value_or(-1.0), 1.5); // M0 Factuality
        QCOMPARE(page.valueAt(aspects, 1, 1).value_or(-1.0), 2.5); // M1 Readability

        auto *table = page.table();
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->item(1, 0)->text(), QStringLiteral("M1"));
        QCOMPARE(table->item(1, 1)->text(), QStringLiteral("0.450"));
        QCOMPARE(table->item(0, 3)->text(), QStringLiteral("—"));
        QCOMPARE(table->item(0, 5)->text(), QStringLiteral("4"));
        QCOMPARE(table->item(1, 7)->text(), QStringLiteral("succeeded"));
        test::saveScreenshot(page, QStringLiteral("iterations.png"));
    }

    void plotsTheWinRateARealRunWrote()
    {
        const auto project = test::makePipelineProject(m_dir.path(), QStringLiteral("demo-run"), 8, 6,
                                                       test::sourceDir() + QStringLiteral("/resources/models/arith-demo"));
        auto options = test::tinyOptions();
        options.promptsPerIteration = 8;
        options.samples = 4;
        options.maxNewTokens = 48;
        options.batchPrompts = 8;
        options.delta = 0.05;
        options.evalN = 6;
        options.evalMaxNewTokens = 48;
        options.dpo.learningRate = 3e-4; // enough for M1 to answer some prompts differently
        const auto run = pipeline::runPipeline({project.path, options, false, {}}, RunContext{});
        QVERIFY2(run.outcome == Outcome::Succeeded, run.message.c_str());
        QCOMPARE(run.iterationsDone, 1);
        double written = -1.0;
        for (const auto &e : run.evaluations)
            if (e.iteration == 1 && e.metric == "win_rate")
                written = e.value;
        QVERIFY2(written >= 0.0 && written <= 1.0, qPrintable(QString::number(written)));
        {
            auto file = store::Project::open(project.path);
            store::EvalAnswerRepository answers(file.db());
            const auto recomputed = eval::winRate(answers.forModel(run.runId, 1, "test"),
                                                  answers.forModel(run.runId, 0, "test"));
            QCOMPARE(recomputed.prompts(), 6);
            QCOMPARE(recomputed.rate().value_or(-1.0), written);
        }

        IterationsPage page;
        page.resize(1400, 900);
        QVERIFY(page.setProject(QString::fromStdString(project.path)));
        const QString winRate = QStringLiteral("winrate");
        QCOMPARE(page.seriesCount(winRate), 1);
        QCOMPARE(page.valueAt(winRate, 0, 1).value_or(-1.0), written);
        QVERIFY(!page.valueAt(winRate, 0, 0)); // M0: no previous model
        QCOMPARE(page.referenceLine(winRate).value_or(-1.0), 0.5);
        const auto range = page.valueRange(winRate);
        QVERIFY(range.first <= 0.0 && range.second >= 1.0); // the whole scale, the line and any value in view
        QCOMPARE(page.table()->item(1, 3)->text(), QString::number(written, 'f', 3));
        test::saveScreenshot(page, QStringLiteral("iterations-demo-run.png"));
    }

    void anEmptyProjectSaysSoAndAMissingOneFails()
    {
        const QString path = m_dir.filePath(QStringLiteral("empty.rlrf"));
        { store::Project::create(path.toStdString(), {"arith", "models/demo", {}, 0}); }
        IterationsPage page;
        QVERIFY(page.setProject(path));
        QVERIFY(page.summaries().empty());
        QVERIFY(page.findChild<QLabel *>(QStringLiteral("iterations.status"))->text().contains(QStringLiteral("No iterations")));
        QVERIFY(!page.setProject(m_dir.filePath(QStringLiteral("missing.rlrf"))));
        QVERIFY(page.findChild<QLabel *>(QStringLiteral("iterations.status"))->text().contains(QStringLiteral("missing.rlrf")));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestIterationsPage)
#include "tst_iterations_page.moc"
