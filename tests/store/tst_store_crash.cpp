// SPDX-License-Identifier: GPL-3.0-or-later
// A writer killed with SIGKILL in the middle of its work loses no committed batch
// and leaves no half batch. The child is this executable started with
// --write-batches FILE: it writes batches of critiques (each with eight aspect
// rows) in a loop, one transaction per batch, and reports "begin N" / "commit N"
// on stdout, unbuffered. The parent kills it several times, then checks on the
// real file that every reported batch is there, every batch present is complete,
// and SQLite's integrity and foreign-key checks pass. A file that cannot grow
// (SQLite's page limit stands in for a full disk: the same SQLITE_FULL) fails the
// batch with a message saying the disk is full, and keeps what was committed.
#include "common/store_fixture.h"

#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/project_file.h"
#include "store/prompt_repository.h"
#include "store/transaction.h"
#include "core/error.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cstdio>
#include <cstring>
#include <map>

using namespace rlrf;

namespace {

constexpr int kBatchSize = 200;

// The child: append batches until killed. Batch numbers continue from what the
// file already holds, so successive children never reuse one.
int writeBatchesForever(const char *path)
{
    auto project = store::Project::open(path);
    auto &db = project.db();
    const auto candidate = db.scalar("SELECT min(id) FROM candidates");
    store::CritiqueRepository critiques(db);
    for (long batch = db.scalar("SELECT count(DISTINCT judge) FROM critiques");; ++batch) {
        const std::string judge = "batch:" + std::to_string(batch);
        std::printf("begin %ld\n", batch);
        std::fflush(stdout);
        store::Transaction tx(db);
        for (int i = 0; i < kBatchSize; ++i)
            critiques.insert({candidate, std::nullopt, test::makeCritique(1 + i % 3, (i % 3) / 2.0, judge)});
        tx.commit();
        std::printf("commit %ld\n", batch);
        std::fflush(stdout);
    }
}

} // namespace

class TestStoreCrash : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void aFullDiskFailsTheBatchAndKeepsTheRest()
    {
        QTemporaryDir dir;
        const auto path = dir.filePath(QStringLiteral("full.rlrf")).toStdString();
        auto project = store::Project::create(path, {"arith", "models/demo", {}, 0});
        auto &db = project.db();
        auto batch = [&](long n) {
            store::Transaction tx(db);
            for (int i = 0; i < kBatchSize; ++i)
                db.prepare("INSERT INTO project_meta (key, value) VALUES (?, ?)")
                    .bindAll("filler/" + std::to_string(n) + "/" + std::to_string(i), std::string(400, 'x'))
                    .run();
            tx.commit();
        };
        batch(0);
        const auto kept = db.scalar("SELECT count(*) FROM project_meta");
        db.exec("PRAGMA max_page_count = " + std::to_string(db.scalar("PRAGMA page_count")));
        try {
            for (long n = 1; n < 100; ++n)
                batch(n);
            QFAIL("the file grew past its limit");
        } catch (const Error &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(
                         QStringLiteral("the disk is full: free some space and run again (everything committed "
                                        "before is kept)")),
                     e.what());
        }
        QCOMPARE(db.scalar("SELECT count(*) FROM project_meta"), kept); // the failed batch left nothing
        QVERIFY(project.integrityProblems().empty());
    }

    void killedWriterLeavesOnlyWholeBatches()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.path() + QStringLiteral("/crash.rlrf");
        {
            auto project = store::Project::create(path.toStdString(), {"arith", "m", {}, 0});
            store::PromptRepository prompts(project.db());
            const auto set = prompts.createSet({0, "crash", "jsonl", "x", {}});
            const auto prompt = prompts.insert({0, set, "1 + 1?", std::string("2"), store::Split::Train, "x", 1, "{}"});
            store::CandidateRecord c;
            c.promptId = prompt;
            c.text = "2";
            store::CandidateRepository(project.db()).insert(c);
        }

        long committedMax = -1;
        int killedInsideBatch = 0;
        constexpr int kRounds = 5;
        for (int round = 0; round < kRounds; ++round) {
            QProcess child;
            child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--write-batches"), path});
            QVERIFY2(child.waitForStarted(30000), qPrintable(child.errorString()));
            QString output;
            // Let it commit a few batches, then kill it wherever it is.
            while (output.count(QStringLiteral("commit ")) < 3 && child.state() == QProcess::Running) {
                child.waitForReadyRead(100);
                output += QString::fromUtf8(child.readAllStandardOutput());
            }
            QTest::qWait(37 * (round + 1)); // a different moment each round
            child.kill();                   // SIGKILL: no destructor, no rollback, no close
            QVERIFY(child.waitForFinished(30000));
            output += QString::fromUtf8(child.readAllStandardOutput());
            QVERIFY2(child.exitStatus() == QProcess::CrashExit, qPrintable(QString::fromUtf8(child.readAllStandardError())));

            const QStringList lines = output.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
            for (const QString &line : lines)
                if (line.startsWith(QStringLiteral("commit ")))
                    committedMax = std::max(committedMax, line.mid(7).toLong());
            if (!lines.isEmpty() && lines.last().startsWith(QStringLiteral("begin ")))
                ++killedInsideBatch;
        }
        qInfo("%d of %d kills landed inside a batch; last committed batch %ld", killedInsideBatch, kRounds, committedMax);
        QVERIFY2(killedInsideBatch > 0, "no kill landed inside a transaction; the test proved nothing");

        auto project = store::Project::open(path.toStdString());
        auto &db = project.db();
        const auto problems = project.integrityProblems();
        QVERIFY2(problems.empty(), problems.empty() ? "" : problems.front().c_str());
        std::map<long, std::int64_t> perBatch;
        auto st = db.prepare("SELECT judge, count(*) FROM critiques GROUP BY judge");
        while (st.step())
            perBatch[std::stol(st.textAt(0).substr(6))] = st.int64At(1);
        for (long batch = 0; batch <= committedMax; ++batch)
            QVERIFY2(perBatch.count(batch) == 1, qPrintable(QStringLiteral("committed batch %1 is missing").arg(batch)));
        for (const auto &[batch, count] : perBatch)
            QVERIFY2(count == kBatchSize, qPrintable(QStringLiteral("batch %1 has %2 of %3 critiques").arg(batch).arg(count).arg(kBatchSize)));
        // Batch numbers run without gaps: a rolled-back batch is written again by the next child.
        QCOMPARE(static_cast<long>(perBatch.size()), perBatch.rbegin()->first + 1);
        QCOMPARE(db.scalar("SELECT count(*) FROM critique_aspects"), db.scalar("SELECT count(*) FROM critiques") * 8);
        QCOMPARE(db.scalar("SELECT count(*) FROM critiques k WHERE (SELECT count(*) FROM critique_aspects a "
                           "WHERE a.critique_id = k.id) <> 8"),
                 0);
    }
};

int main(int argc, char **argv)
{
    // The child mode must not go through QTest: it runs until killed.
    if (argc == 3 && std::strcmp(argv[1], "--write-batches") == 0)
        return writeBatchesForever(argv[2]);
    QCoreApplication app(argc, argv);
    TestStoreCrash test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_store_crash.moc"
