// SPDX-License-Identifier: GPL-3.0-or-later
// Two runs side by side (backend/eval/paired_comparison, eval/run_comparison,
// store/run_iteration_summary, pipeline/run/comparable_runs): the paired counts
// and differences on hand-made answers worked out in the comments, problems
// only one run answered left out, a task without verdicts compared on scores
// alone, bad rows refused; then on a project file with two runs
// (tests/common/run_comparison_fixture), each run's numbers kept apart, the
// paired comparison of M1 from the stored answers, and the runs named with
// their kind and settings.
#include "common/error_assert.h"
#include "common/run_comparison_fixture.h"

#include "eval/paired_comparison.h"
#include "eval/run_comparison.h"
#include "pipeline/run/comparable_runs.h"
#include "pipeline/run/pipeline_options.h"
#include "store/run_repository.h"

#include <QTemporaryDir>

#include <QtTest/QtTest>

#include <cmath>
#include <limits>

using namespace rlrf;

namespace {

store::EvalAnswerRecord answer(std::int64_t prompt, const char *text, double overall,
                               std::optional<bool> correct = std::nullopt)
{
    return {1, 0, "test", prompt, text, overall, correct, "{}"};
}

bool near(double a, double b) { return std::abs(a - b) < 1e-4; }

} // namespace

class TestRunComparison : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void countsAndDifferencesProblemByProblem()
    {
        // first:  p1 R 0.9, p2 R 0.8, p3 W 0.2, p4 W 0.1, p5 R 1.0 (second has no p5)
        // second: p1 R 0.9 (same text), p2 W 0.4, p3 R 0.7, p4 W 0.1, p6 W 0.0 (first has no p6)
        // paired p1..p4: both right p1; first only p2; second only p3; both wrong p4.
        // accuracy d = 0, -1, +1, 0: mean 0, SD sqrt(2/3), SE sqrt(2/3)/2 = 0.40825
        // overall d = 0, -0.4, +0.5, 0: mean 0.025, SD^2 = (0.000625*2 + 0.180625 + 0.225625)/3
        //   = 0.1358333, SE = sqrt(0.1358333/4) = 0.184278
        // second against first: p1 tie (same text), p2 loss, p3 win, p4 tie (different text, equal score).
        const std::vector<store::EvalAnswerRecord> first = {
            answer(1, "a1", 0.9, true), answer(2, "a2", 0.8, true), answer(3, "a3", 0.2, false),
            answer(4, "a4", 0.1, false), answer(5, "a5", 1.0, true)};
        const std::vector<store::EvalAnswerRecord> second = {
            answer(1, "a1", 0.9, true), answer(2, "b2", 0.4, false), answer(3, "b3", 0.7, true),
            answer(4, "b4", 0.1, false), answer(6, "b6", 0.0, false)};
        const auto c = eval::pairedComparison(first, second);
        QCOMPARE(c.problems, 4);
        QCOMPARE(c.judged, 4);
        QCOMPARE(c.bothRight, 1);
        QCOMPARE(c.firstOnlyRight, 1);
        QCOMPARE(c.secondOnlyRight, 1);
        QCOMPARE(c.bothWrong, 1);
        QVERIFY(c.accuracy && near(c.accuracy->mean, 0.0));
        QVERIFY(c.accuracy->standardError && near(*c.accuracy->standardError, 0.408248));
        QVERIFY(c.overall && near(c.overall->mean, 0.025));
        QVERIFY(c.overall->standardError && near(*c.overall->standardError, 0.184278));
        QCOMPARE(c.secondAgainstFirst.wins, 1);
        QCOMPARE(c.secondAgainstFirst.ties, 2);
        QCOMPARE(c.secondAgainstFirst.losses, 1);
    }

    void withoutVerdictsOnlyScoresAreCompared()
    {
        // No verifier: nothing is counted right or wrong, the score difference stays.
        const auto c = eval::pairedComparison({answer(1, "x", 0.2), answer(2, "y", 0.4)},
                                              {answer(1, "u", 0.6), answer(2, "v", 0.4, true)});
        QCOMPARE(c.problems, 2);
        QCOMPARE(c.judged, 0);
        QVERIFY(!c.accuracy);
        QVERIFY(c.overall && near(c.overall->mean, 0.2));
        QVERIFY(c.overall->standardError && near(*c.overall->standardError, 0.2)); // d = 0.4, 0: SD 0.2828, /sqrt 2
    }

    void oneProblemHasNoStandardErrorAndNoneHasNothing()
    {
        const auto one = eval::pairedComparison({answer(1, "x", 0.2, false)}, {answer(1, "y", 0.7, true)});
        QCOMPARE(one.secondOnlyRight, 1);
        QVERIFY(one.accuracy && near(one.accuracy->mean, 1.0) && !one.accuracy->standardError);
        const auto none = eval::pairedComparison({answer(1, "x", 0.2)}, {answer(2, "y", 0.7)});
        QCOMPARE(none.problems, 0);
        QVERIFY(!none.accuracy && !none.overall);
    }

    void badRowsAreRefusedNamingTheProblem()
    {
        const std::vector<store::EvalAnswerRecord> twice = {answer(3, "x", 0.2), answer(3, "y", 0.3)};
        const std::vector<store::EvalAnswerRecord> nan = {answer(4, "x", std::numeric_limits<double>::quiet_NaN())};
        RLRF_VERIFY_THROWS_WITH(eval::pairedComparison(twice, {}), "first run's answer to prompt 3 appears twice");
        RLRF_VERIFY_THROWS_WITH(eval::pairedComparison({}, nan), "second run's answer to prompt 4 has a non-finite");
    }

    void comparesTwoStoredRuns()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto project = store::Project::create(dir.filePath(QStringLiteral("two.rlrf")).toStdString(),
                                              {"arith", "models/demo", {}, 0});
        const auto ids = test::buildRunComparisonProject(project);

        const auto rows = eval::compareRuns(project.db(), ids.rlrf, ids.baseline);
        QCOMPARE(rows.size(), std::size_t(2));
        const auto &m0 = rows[0];
        QVERIFY(m0.first && m0.second && m0.paired);
        QCOMPARE(m0.first->accuracy.value_or(-1), 0.5);
        QCOMPARE(m0.paired->problems, 4); // identical answers: nothing differs
        QCOMPARE(m0.paired->firstOnlyRight + m0.paired->secondOnlyRight, 0);
        QCOMPARE(m0.paired->secondAgainstFirst.ties, 4);

        const auto &m1 = rows[1];
        QCOMPARE(m1.iteration, 1);
        QCOMPARE(m1.first->accuracy.value_or(-1), 0.8);
        QCOMPARE(m1.second->accuracy.value_or(-1), 0.5); // not the validation split's 0.99
        QCOMPARE(m1.first->winRate.value_or(-1), 0.75);
        QCOMPARE(m1.second->aspectMeans.at("Factuality"), 2.25);
        QVERIFY(m1.first->trainingStatus == store::RunStatus::Succeeded);
        QVERIFY(!m1.second->trainingStatus); // the rlrf run's DPO pass is not the baseline's
        QVERIFY(m1.paired);
        QCOMPARE(m1.paired->problems, 4); // p4 only in the rlrf run
        QCOMPARE(m1.paired->bothRight, 1);
        QCOMPARE(m1.paired->firstOnlyRight, 2);
        QCOMPARE(m1.paired->secondOnlyRight, 1);
        QCOMPARE(m1.paired->bothWrong, 0);
        QVERIFY(near(m1.paired->accuracy->mean, -0.25) && near(*m1.paired->accuracy->standardError, 0.478714));
        QVERIFY(near(m1.paired->overall->mean, -0.125) && near(*m1.paired->overall->standardError, 0.188746));
        QCOMPARE(m1.paired->secondAgainstFirst.wins, 1);
        QCOMPARE(m1.paired->secondAgainstFirst.ties, 1);
        QCOMPARE(m1.paired->secondAgainstFirst.losses, 2);

        // A run that was never evaluated: its side is empty, nothing is paired.
        const auto lone = eval::compareRuns(project.db(), ids.rlrf, ids.unevaluated);
        QCOMPARE(lone.size(), std::size_t(2));
        QVERIFY(!lone[0].second && !lone[1].second && !lone[0].paired && !lone[1].paired);
    }

    void namesTheRunsWithTheirKindAndSettings()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto project = store::Project::create(dir.filePath(QStringLiteral("names.rlrf")).toStdString(),
                                              {"arith", "models/demo", {}, 0});
        const auto ids = test::buildRunComparisonProject(project);
        const auto runs = pipeline::comparableRuns(project.db());
        QCOMPARE(runs.size(), std::size_t(3)); // the DPO pass is not a pipeline run
        QCOMPARE(runs[0].id, ids.rlrf);
        QCOMPARE(QString::fromStdString(runs[0].name()), QStringLiteral("run %1 · RLRF").arg(ids.rlrf));
        QVERIFY(runs[1].baseline);
        QCOMPARE(QString::fromStdString(runs[1].name()), QStringLiteral("run %1 · baseline").arg(ids.baseline));
        const auto label = QString::fromStdString(runs[1].label());
        QVERIFY2(label.contains(QStringLiteral("reward-only")) && label.contains(QStringLiteral("2 iterations × 64 prompts"))
                     && label.contains(QStringLiteral("4 samples")),
                 qPrintable(label));
        QVERIFY(runs[0].evaluated && runs[1].evaluated && !runs[2].evaluated);

        // An ablation is named for the part it leaves out.
        pipeline::PipelineOptions ablation;
        ablation.refinements = 0;
        ablation.dpoPass = false;
        const auto id = store::RunRepository(project.db()).start(store::RunKind::Rlrf, 0, pipeline::toJson(ablation).dump());
        const auto withAblation = pipeline::comparableRuns(project.db());
        QCOMPARE(QString::fromStdString(withAblation.back().name()),
                 QStringLiteral("run %1 · RLRF without refinement, DPO").arg(id));
        QVERIFY(!withAblation.back().baseline);
    }
};

QTEST_MAIN(TestRunComparison)
#include "tst_run_comparison.moc"
