// SPDX-License-Identifier: GPL-3.0-or-later
// The Reflect-Retry-Reward tables of the project file (schema version 3): failed
// attempts and reflections round-trip through a real SQLite file, belong to a
// run (and go with it), and bad values are refused with the field named.
#include "store/rrr_repository.h"

#include "common/error_assert.h"
#include "store/project_file.h"
#include "store/run_repository.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <limits>

using namespace rlrf;

class TestRrrStore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void failuresAndReflectionsRoundTrip()
    {
        QTemporaryDir dir;
        const auto path = dir.filePath(QStringLiteral("p.rlrf")).toStdString();
        std::int64_t runId = 0, failureId = 0;
        {
            auto project = store::Project::create(path, {"arith", "models/demo", {}, 0});
            runId = store::RunRepository(project.db()).start(store::RunKind::Rrr, 1, "{\"group_size\": 4}");
            store::RrrRepository repo(project.db());
            const auto ids = repo.addFailures({{0, runId, "arith/train/1/2-4/100/0", "Tom has 3 apples ...", "5",
                                                "3 + 3 = 6\nAnswer: 6", "answer 6, expected 5"},
                                               {0, runId, "arith/train/1/2-4/100/1", "Sue has ...", "7", "Answer: 1",
                                                "answer 1, expected 7"}});
            QCOMPARE(ids.size(), std::size_t{2});
            failureId = ids[0];
            repo.addReflections({{0, failureId, 1, "I added 3 instead of 2.", "3 + 2 = 5\nAnswer: 5", 1.0, 0.87, 9},
                                 {0, failureId, 1, "Wrong.", "Answer: 6", 0.0, -0.87, 2}});
        }
        auto project = store::Project::open(path);
        store::RrrRepository repo(project.db());
        const auto failures = repo.failures(runId);
        QCOMPARE(failures.size(), std::size_t{2});
        QCOMPARE(failures[0].attempt, std::string("3 + 3 = 6\nAnswer: 6"));
        QCOMPARE(failures[1].referenceAnswer, std::string("7"));
        const auto reflections = repo.reflections(failureId);
        QCOMPARE(reflections.size(), std::size_t{2});
        QCOMPARE(reflections[0].reflection, std::string("I added 3 instead of 2."));
        QCOMPARE(reflections[0].reward, 1.0);
        QCOMPARE(reflections[1].advantage, -0.87);
        QCOMPARE(reflections[1].reflectionTokens, std::int64_t{2});
        QCOMPARE(repo.reflectionCount(runId), std::int64_t{2});
        QVERIFY(project.integrityProblems().empty());
        project.db().exec("DELETE FROM runs WHERE id = " + std::to_string(runId));
        QCOMPARE(repo.failures(runId).size(), std::size_t{0});
        QCOMPARE(project.db().scalar("SELECT count(*) FROM rrr_reflections"), std::int64_t{0});
    }

    void badValuesAreRefused()
    {
        QTemporaryDir dir;
        auto project = store::Project::create(dir.filePath(QStringLiteral("p.rlrf")).toStdString(),
                                              {"arith", "models/demo", {}, 0});
        store::RrrRepository repo(project.db());
        RLRF_VERIFY_THROWS_WITH(repo.addFailures({{0, 999, "x", "p", "a", "t", "r"}}), "FOREIGN KEY");
        const auto run = store::RunRepository(project.db()).start(store::RunKind::Rrr, 1, "{}");
        const auto id = repo.addFailures({{0, run, "x", "p", "a", "t", "r"}})[0];
        const double nan = std::numeric_limits<double>::quiet_NaN();
        RLRF_VERIFY_THROWS_WITH(repo.addReflections({{0, id, 1, "r", "t", nan, 0.0, 1}}), "'reward'");
        RLRF_VERIFY_THROWS_WITH(repo.addReflections({{0, id, 1, "r", "t", 1.0, INFINITY, 1}}), "'advantage'");
        RLRF_VERIFY_THROWS_WITH(repo.addReflections({{0, id, 0, "r", "t", 1.0, 0.0, 1}}), "CHECK");
        QCOMPARE(repo.reflectionCount(run), std::int64_t{0});
    }
};

QTEST_GUILESS_MAIN(TestRrrStore)
#include "tst_rrr_store.moc"
