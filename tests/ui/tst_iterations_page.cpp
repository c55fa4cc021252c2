// SPDX-License-Identifier: GPL-3.0-or-later
// The Iterations dashboard, offscreen, on real rows written through the store's
// repositories: evaluation results of M0 and M1, the pairs M0's samples yielded,
// and the DPO run that produced M1. Every plotted value is checked against what
// was written. Then a real one-iteration RLRF run on the shipped demo model
// (resources/models/arith-demo, arith problems from the task's generator): the
// win-rate chart shows the M1 value the run wrote, which is recomputed here from
// the answers it stored, against a reference line at 0.5. Last, "Compare
// with…" on a project with two runs of known numbers
// (tests/common/run_comparison_fixture): both runs' values, their differences
// and the paired counts recounted here from the stored answers, a run without
// evaluations shown as "not evaluated", the choice kept across reloads, and the
// single view back once the choice is cleared.
#include "ui/ui_test_helpers.h"
#include "views/iterations_page.h"
#include "views/run_comparison_table.h"

#include "common/pipeline_fixture.h"
#include "common/review_fixture.h"
#include "common/run_comparison_fixture.h"
#include "common/test_paths.h"

#include "core/logging.h"
#include "eval/win_rate.h"
#include "pipeline/run/rlrf_run.h"
#include "store/eval_answer_repository.h"
#include "store/pair_repository.h"
#include "store/run_repository.h"

#include <QComboBox>
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

    void comparesTwoRunsSideBySide()
    {
        const QString path = m_dir.filePath(QStringLiteral("two-runs.rlrf"));
        test::RunComparisonProject ids;
        {
            auto project = store::Project::create(path.toStdString(), {"arith", "models/demo", {}, 0});
            ids = test::buildRunComparisonProject(project);
        }
        IterationsPage page;
        page.resize(1400, 900);
        QVERIFY(page.setProject(path));
        QVERIFY(!page.comparing());
        const int singleRows = page.table()->rowCount();
        auto *compare = page.findChild<QComboBox *>(QStringLiteral("iterations.compare"));
        auto *first = page.findChild<QComboBox *>(QStringLiteral("iterations.compareFirst"));
        QVERIFY(compare && first);
        QCOMPARE(compare->count(), 4); // nothing, then the three RLRF runs (the DPO pass is not one)
        QVERIFY(first->isHidden());
        auto choose = [](QComboBox *combo, std::int64_t run) {
            const int index = run < 0 ? 0 : combo->findData(QVariant::fromValue<qlonglong>(run));
            QVERIFY(index >= 0);
            combo->setCurrentIndex(index);
            Q_EMIT combo->activated(index); // what a click on the entry does
        };

        // The baseline beside the run it is held against: the evaluated RLRF run is the first by default.
        choose(compare, ids.baseline);
        QVERIFY(page.comparing());
        QCOMPARE(page.comparedRuns()->first, ids.rlrf);
        QCOMPARE(page.comparedRuns()->second, ids.baseline);
        QVERIFY(!first->isHidden());
        QVERIFY(page.table()->isHidden());
        auto *table = page.comparisonTable();
        QVERIFY(!table->isHidden());
        QCOMPARE(table->horizontalHeaderItem(2)->text(), QStringLiteral("run %1 · RLRF").arg(ids.rlrf));
        QCOMPARE(table->horizontalHeaderItem(3)->text(), QStringLiteral("run %1 · baseline").arg(ids.baseline));
        auto cells = [&](int iteration, const QString &measure) {
            const int row = table->rowOf(iteration, measure);
            if (row < 0)
                return QStringList{QStringLiteral("no row ") + measure};
            return QStringList{table->item(row, 2)->text(), table->item(row, 3)->text(), table->item(row, 4)->text()};
        };
        auto L = [](const char *a, const char *b, const char *c) {
            return QStringList{QString::fromUtf8(a), QString::fromUtf8(b), QString::fromUtf8(c)};
        };
        QCOMPARE(cells(0, QStringLiteral("Accuracy")), L("0.500", "0.500", "+0.000"));
        QCOMPARE(cells(1, QStringLiteral("Accuracy")), L("0.800", "0.500", "-0.300"));
        QCOMPARE(cells(1, QStringLiteral("Overall score")), L("0.720", "0.625", "-0.095"));
        QCOMPARE(cells(1, QStringLiteral("Win rate against the previous model")), L("0.750", "0.500", "-0.250"));
        QCOMPARE(cells(0, QStringLiteral("Win rate against the previous model")), L("—", "—", "—"));
        QCOMPARE(cells(1, QStringLiteral("Aspect Factuality (1–3)")), L("2.50", "2.25", "-0.25"));

        // The paired counts, recounted here from the answers the store holds.
        std::int64_t shared = 0, bothRight = 0, firstOnly = 0, secondOnly = 0, bothWrong = 0;
        {
            auto project = store::Project::open(path.toStdString());
            store::EvalAnswerRepository answers(project.db());
            const auto a = answers.forModel(ids.rlrf, 1, "test");
            const auto b = answers.forModel(ids.baseline, 1, "test");
            for (const auto &x : a)
                for (const auto &y : b)
                    if (x.promptId == y.promptId) {
                        ++shared;
                        const bool rx = x.correct.value_or(false), ry = y.correct.value_or(false);
                        ++(rx && ry ? bothRight : rx ? firstOnly : ry ? secondOnly : bothWrong);
                    }
        }
        QCOMPARE(shared, 4); // the fifth problem only the RLRF run answered
        QCOMPARE(cells(1, QStringLiteral("Problems both answered")), (QStringList{QString(), QString(), QString::number(shared)}));
        QCOMPARE(cells(1, QStringLiteral("Right in this run only")),
                 (QStringList{QString::number(firstOnly), QString::number(secondOnly),
                              QString::number(secondOnly - firstOnly)}));
        QCOMPARE(cells(1, QStringLiteral("Right in this run only")), L("2", "1", "-1"));
        QCOMPARE(cells(1, QStringLiteral("Right in both / wrong in both"))[2],
                 QStringLiteral("%1 / %2").arg(bothRight).arg(bothWrong));
        QCOMPARE(cells(1, QStringLiteral("Paired accuracy difference ± SE"))[2], QStringLiteral("-0.250 ± 0.479"));
        QCOMPARE(cells(1, QStringLiteral("Paired overall difference ± SE"))[2], QStringLiteral("-0.125 ± 0.189"));
        QCOMPARE(cells(1, QStringLiteral("Second against first: wins / ties / losses"))[2], QStringLiteral("1 / 1 / 2"));

        // The plots draw both runs, named in their legends, with the runs' kind and settings above them.
        const QString accuracy = QStringLiteral("accuracy");
        QCOMPARE(page.seriesCount(accuracy), 2);
        QCOMPARE(page.valueAt(accuracy, 0, 1).value_or(-1.0), 0.8);
        QCOMPARE(page.valueAt(accuracy, 1, 1).value_or(-1.0), 0.5);
        QCOMPARE(page.seriesName(accuracy, 1), QStringLiteral("run %1 · baseline").arg(ids.baseline));
        QVERIFY(page.legendShown(accuracy));
        QCOMPARE(page.valueAt(QStringLiteral("winrate"), 1, 1).value_or(-1.0), 0.5);
        QCOMPARE(page.referenceLine(QStringLiteral("winrate")).value_or(-1.0), 0.5);
        QCOMPARE(page.seriesCount(QStringLiteral("aspects")), 4); // two models of two runs
        const auto runs = page.findChild<QLabel *>(QStringLiteral("iterations.compareRuns"))->text();
        QVERIFY2(runs.contains(QStringLiteral("baseline (reward-only) · 2 iterations × 64 prompts")), qPrintable(runs));
        test::saveScreenshot(page, QStringLiteral("iterations-compare.png"));

        // A run writes M2's evaluation: the area reads the file again and keeps the choice.
        {
            auto project = store::Project::open(path.toStdString());
            store::RunRepository(project.db()).addEvalResult({0, ids.rlrf, 2, "test", "accuracy", 0.9, 5});
        }
        QVERIFY(page.reload());
        QVERIFY(page.comparing());
        QCOMPARE(page.comparedRuns()->second, ids.baseline);
        QCOMPARE(cells(2, QStringLiteral("Accuracy")), L("0.900", "not evaluated", "—"));
        QCOMPARE(compare->currentData().toLongLong(), qlonglong(ids.baseline));

        // A run that was never evaluated says so, never zeros.
        choose(first, ids.unevaluated);
        QCOMPARE(page.comparedRuns()->first, ids.unevaluated);
        QCOMPARE(cells(1, QStringLiteral("Accuracy")), L("not evaluated", "0.500", "—"));
        QCOMPARE(cells(1, QStringLiteral("Aspect Factuality (1–3)")), L("not evaluated", "2.25", "—"));
        QCOMPARE(table->rowOf(1, QStringLiteral("Problems both answered")), -1);
        for (int row = 0; row < table->rowCount(); ++row)
            QVERIFY2(!table->item(row, 2)->text().startsWith(QStringLiteral("0.")), qPrintable(table->item(row, 1)->text()));
        QVERIFY(page.findChild<QLabel *>(QStringLiteral("iterations.status"))->text().contains(QStringLiteral("not evaluated")));
        QCOMPARE(page.seriesCount(accuracy), 2);
        QVERIFY(!page.valueAt(accuracy, 0, 1));

        // Nothing chosen: the single view as before.
        choose(compare, -1);
        QVERIFY(!page.comparing());
        QVERIFY(!page.table()->isHidden());
        QVERIFY(table->isHidden());
        QVERIFY(first->isHidden());
        QCOMPARE(page.seriesCount(accuracy), 1);
        QVERIFY(!page.legendShown(accuracy));
        QCOMPARE(page.table()->rowCount(), singleRows + 1); // M2 was written meanwhile
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestIterationsPage)
#include "tst_iterations_page.moc"
