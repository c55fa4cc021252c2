// SPDX-License-Identifier: GPL-3.0-or-later
// Iteration summaries read back from rows written through the repositories: the
// split filter, the latest of two evaluations, pair yield, DPO run time and
// status, and times that do not parse.
#include "common/review_fixture.h"

#include "store/iteration_summary.h"
#include "store/run_repository.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace rlrf;

class TestIterationSummary : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void secondsBetweenStoreTimes()
    {
        QCOMPARE(*store::secondsBetween("2026-11-22T09:38:49.250Z", "2026-11-22T10:39:50.750Z"), 3661.5);
        QCOMPARE(*store::secondsBetween("2026-12-31T23:59:59.000Z", "2027-01-01T00:00:01.000Z"), 2.0);
        QVERIFY(!store::secondsBetween("yesterday", "2026-11-22T09:38:49.250Z"));
        QVERIFY(!store::secondsBetween("2026-11-22T09:38:49.250Z", ""));
    }

    void summarisesEachIteration()
    {
        QVERIFY(m_dir.isValid());
        auto project = store::Project::create(m_dir.filePath(QStringLiteral("s.rlrf")).toStdString(),
                                              {"arith", "models/demo", {}, 0});
        test::buildReviewProject(project, 3);
        store::RunRepository runs(project.db());
        const auto dpo = runs.start(store::RunKind::Dpo, 1, "{}");
        runs.finish(dpo, store::RunStatus::Cancelled, "stopped");
        runs.start(store::RunKind::Dpo, 2, "{}"); // still running: no time yet
        runs.addEvalResult({0, std::nullopt, 1, "test", "accuracy", 0.3, 20});
        runs.addEvalResult({0, std::nullopt, 1, "test", "accuracy", 0.4, 20}); // evaluated again: this one counts
        runs.addEvalResult({0, std::nullopt, 1, "validation", "accuracy", 0.9, 20});
        runs.addEvalResult({0, std::nullopt, 1, "test", "aspect/Readability", 2.5, 20});

        const auto list = store::iterationSummaries(project.db());
        QCOMPARE(list.size(), std::size_t(3));
        QCOMPARE(list[0].iteration, 0);
        QCOMPARE(list[0].promptsSampled, std::int64_t(3));
        QCOMPARE(list[0].pairs, std::int64_t(3));
        QVERIFY(!list[0].accuracy && !list[0].trainingStatus);
        QCOMPARE(*list[1].accuracy, 0.4);
        QCOMPARE(list[1].aspectMeans.at("Readability"), 2.5);
        QCOMPARE(store::toString(*list[1].trainingStatus), std::string("cancelled"));
        QVERIFY(list[1].trainingSeconds && *list[1].trainingSeconds >= 0.0);
        QCOMPARE(store::toString(*list[2].trainingStatus), std::string("running"));
        QVERIFY(!list[2].trainingSeconds);
        QCOMPARE(*store::iterationSummaries(project.db(), "validation")[1].accuracy, 0.9);
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestIterationSummary)
#include "tst_iteration_summary.moc"
