// SPDX-License-Identifier: GPL-3.0-or-later
// The Reflect-Retry-Reward tables of the project file (schema versions 4 and 6):
// failed attempts, reflections and evaluation queries round-trip through a real
// SQLite file, belong to a run (and go with it), and bad values are refused with
// the field named; a file of version 5 migrates and its runs have no headroom.
#include "store/rrr_repository.h"

#include "store/database.h"
#include "store/migrations.h"
#include "store/rrr_eval_repository.h"

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

    // The evaluation queries of a run (schema version 6): rows read back as
    // written, in position order; writing a phase again replaces its rows
    // (what a continued run's evaluation would do), the other phase stays; bad
    // phases and runs are refused with nothing written; the rows go with the run.
    void evalQueriesRoundTripAndReplace()
    {
        QTemporaryDir dir;
        auto project = store::Project::create(dir.filePath(QStringLiteral("p.rlrf")).toStdString(),
                                              {"arith", "models/demo", {}, 0});
        const auto run = store::RunRepository(project.db()).start(store::RunKind::Rrr, 1, "{}");
        store::RrrEvalRepository repo(project.db());
        QVERIFY(repo.queries(run, store::kRrrPhaseBefore).empty());
        QVERIFY(!repo.headroom(run, store::kRrrPhaseBefore).has_value());
        const std::vector<store::RrrEvalQueryRecord> rows = {
            {0, "arith/test/0/2-4/100/0", "Tom has 3 apples ...", "3 + 4 = 7\nAnswer: 7", true, "", "", false, "", "", false},
            {1, "arith/test/0/2-4/100/1", "Sue has 5 pens ...", "5 - 2 = 4\nAnswer: 4", false, "I slipped.",
             "5 - 2 = 4\nAnswer: 4", false, "I made a mistake in step 1. Worked again:\n5 - 2 = 3", "5 - 2 = 3\nAnswer: 3",
             true},
            {2, "arith/test/0/2-4/100/2", "Ann has 8 cups ...", "Answer: 1", false, "Redo.", "8 / 2 = 4\nAnswer: 4",
             true, "", "", false}};
        repo.replace(run, store::kRrrPhaseBefore, rows);
        repo.replace(run, store::kRrrPhaseAfter, {rows[0]});
        const auto back = repo.queries(run, store::kRrrPhaseBefore);
        QCOMPARE(back.size(), std::size_t{3});
        QCOMPARE(back[1].oracleReflection, rows[1].oracleReflection);
        QCOMPARE(back[1].ownRetry, rows[1].ownRetry);
        QVERIFY(back[0].firstCorrect && !back[1].firstCorrect && back[1].oracleCorrect && back[2].ownCorrect);
        QVERIFY(!back[2].hasOracle());
        const auto h = repo.headroom(run, store::kRrrPhaseBefore);
        QVERIFY(h.has_value());
        QCOMPARE(h->queries, std::int64_t{3});
        QCOMPARE(h->failures, std::int64_t{2});
        QCOMPARE(h->ownSolved, std::int64_t{1});
        QCOMPARE(h->oracleAvailable, std::int64_t{1});
        QCOMPARE(h->oracleSolved, std::int64_t{1});
        QCOMPARE(h->ownShare(), 0.5);
        QCOMPARE(h->oracleShare(), std::optional<double>(1.0));

        repo.replace(run, store::kRrrPhaseBefore, {rows[2], rows[1]});
        QCOMPARE(repo.count(run), std::int64_t{3}); // 2 before (replaced), 1 after
        QCOMPARE(repo.queries(run, store::kRrrPhaseBefore).front().position, std::int64_t{1});

        RLRF_VERIFY_THROWS_WITH(repo.replace(run, "during", rows), "'phase'");
        RLRF_VERIFY_THROWS_WITH(repo.replace(run + 99, store::kRrrPhaseBefore, rows), "FOREIGN KEY");
        RLRF_VERIFY_THROWS_WITH(repo.replace(run, store::kRrrPhaseAfter, {rows[0], rows[0]}), "UNIQUE");
        QCOMPARE(repo.count(run), std::int64_t{3});
        project.db().exec("DELETE FROM runs WHERE id = " + std::to_string(run));
        QCOMPARE(repo.count(run), std::int64_t{0});
    }

    // A project file of schema version 5 with an RRR run is migrated on open:
    // the table is there, the run keeps its rows elsewhere and simply has no
    // headroom recorded.
    void anOlderFileMigratesWithoutHeadroom()
    {
        QTemporaryDir dir;
        const auto path = dir.filePath(QStringLiteral("v5.rlrf")).toStdString();
        std::int64_t run = 0;
        {
            auto project = store::Project::create(path, {"arith", "models/demo", {}, 0});
            run = store::RunRepository(project.db()).start(store::RunKind::Rrr, 1, "{}");
            store::RrrRepository(project.db()).addFailures({{0, run, "x", "p", "a", "t", "r"}});
            // Back to version 5 as a build before the table left the file.
            project.db().exec("DROP TABLE rrr_eval_queries");
            project.db().setUserVersion(5);
        }
        auto project = store::Project::open(path);
        QCOMPARE(project.db().userVersion(), store::latestSchemaVersion());
        QCOMPARE(project.db().scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
                                     "'rrr_eval_queries'"),
                 std::int64_t{1});
        QCOMPARE(store::RrrRepository(project.db()).failures(run).size(), std::size_t{1});
        store::RrrEvalRepository repo(project.db());
        QVERIFY(!repo.headroom(run, store::kRrrPhaseBefore).has_value());
        QVERIFY(!repo.headroom(run, store::kRrrPhaseAfter).has_value());
        QVERIFY(project.integrityProblems().empty());
    }
};

QTEST_GUILESS_MAIN(TestRrrStore)
#include "tst_rrr_store.moc"
