// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf run` as users run it: usage mistakes exit 2, bad projects exit 1 with a
// message naming the file, and a run killed with SIGKILL at several moments and
// started again ends with every prompt's outputs present exactly once; and
// `rlrf eval FILE --iteration I` measures M_I of a project.
#include "common/cli_runner.h"
#include "common/pipeline_fixture.h"
#include "common/test_paths.h"

#include "pipeline/stage_env.h"
#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/project_file.h"
#include "store/project_setup.h"
#include "store/run_repository.h"
#include "store/stage_repository.h"

#include <nlohmann/json.hpp>

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace rlrf;
namespace stages = rlrf::pipeline::stages;

namespace {

QStringList tinyRunArgs(const std::string &project)
{
    return {QStringLiteral("run"),          QString::fromStdString(project), QStringLiteral("--iterations"),
            QStringLiteral("1"),            QStringLiteral("--prompts"),     QStringLiteral("8"),
            QStringLiteral("--samples"),    QStringLiteral("2"),             QStringLiteral("--max-new-tokens"),
            QStringLiteral("8"),            QStringLiteral("--batch-prompts"), QStringLiteral("1"),
            QStringLiteral("--eval-n"),     QStringLiteral("0"),             QStringLiteral("--auto-approve")};
}

} // namespace

class TestCliRun : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void usageMistakesExitWithTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no file") << QStringList{QStringLiteral("run")} << QStringLiteral("usage");
        QTest::newRow("pair rule") << QStringList{QStringLiteral("run"), QStringLiteral("p.rlrf"),
                                                  QStringLiteral("--pair-rule"), QStringLiteral("best_worst,longest")}
                                   << QStringLiteral("unknown pair rule 'longest'");
        QTest::newRow("delta") << QStringList{QStringLiteral("run"), QStringLiteral("p.rlrf"), QStringLiteral("--delta"),
                                              QStringLiteral("2")}
                               << QStringLiteral("delta");
        QTest::newRow("loss") << QStringList{QStringLiteral("run"), QStringLiteral("p.rlrf"), QStringLiteral("--loss"),
                                             QStringLiteral("square")}
                              << QStringLiteral("loss");
        QTest::newRow("seed") << QStringList{QStringLiteral("run"), QStringLiteral("p.rlrf"), QStringLiteral("--seed"),
                                             QStringLiteral("-3")}
                              << QStringLiteral("--seed");
    }

    void usageMistakesExitWithTwo()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const auto r = test::runCli(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(QString::fromUtf8(r.err).contains(expected, Qt::CaseInsensitive), r.err.constData());
    }

    void badProjectsExitWithOne()
    {
        const QString missing = m_dir.path() + QStringLiteral("/missing.rlrf");
        auto r = test::runCli({QStringLiteral("run"), missing});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("missing.rlrf"), r.err.constData());

        const auto empty = test::makePipelineProject(m_dir.path(), QStringLiteral("empty"), 0, 0);
        r = test::runCli(tinyRunArgs(empty.path));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no train prompts"), r.err.constData());

        // Evaluation needs held-out prompts: the message says how to add them.
        const auto noTest = test::makePipelineProject(m_dir.path(), QStringLiteral("notest"), 4, 0);
        auto args = tinyRunArgs(noTest.path);
        args.replace(args.indexOf(QStringLiteral("--eval-n")) + 1, QStringLiteral("4"));
        r = test::runCli(args);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no test prompts to evaluate on"), r.err.constData());
    }

    void killedRunResumesWithoutDuplicates()
    {
        const auto project = test::makePipelineProject(m_dir.path(), QStringLiteral("killed"), 12, 0);
        int killed = 0;
        for (int round = 1; round <= 3; ++round) {
            QProcess child;
            child.start(test::cliPath(), tinyRunArgs(project.path));
            QVERIFY2(child.waitForStarted(30000), qPrintable(child.errorString()));
            QString err;
            // Each round lets the run get further (more progress lines), then kills it.
            while (err.count(QStringLiteral("] info: iteration 0 ")) < 4 * round && child.state() == QProcess::Running) {
                child.waitForReadyRead(50);
                err += QString::fromUtf8(child.readAllStandardError());
            }
            QTest::qWait(29 * round);
            if (child.state() == QProcess::Running) {
                child.kill(); // SIGKILL: no cleanup of any kind
                ++killed;
            }
            QVERIFY(child.waitForFinished(60000));
        }
        QVERIFY2(killed > 0, "the run finished before any kill; the test proved nothing");

        const auto last = test::runCli(tinyRunArgs(project.path));
        QCOMPARE(last.exitCode, 1); // stories260K's answers all score alike: no pairs to train on
        QVERIFY2(last.err.contains("has no approved pairs to train on"), last.err.constData());
        QVERIFY2(last.out.contains("\"resumed\":true"), last.out.constData());

        auto file = store::Project::open(project.path);
        QVERIFY(file.integrityProblems().empty());
        const auto runs = store::RunRepository(file.db()).list();
        QCOMPARE(runs.size(), std::size_t(1));
        store::StageRepository progress(file.db());
        store::CandidateRepository candidates(file.db());
        const auto runId = runs[0].id;
        const auto prompts = progress.prompts({runId, 0, stages::kPrompts});
        QCOMPARE(prompts.size(), std::size_t(8));
        for (const auto *stage : {stages::kSample, stages::kCritique, stages::kRefine, stages::kCritiqueRefined,
                                  stages::kPairs}) {
            QVERIFY2(progress.isDone({runId, 0, stage}), stage);
            QCOMPARE(progress.duplicateItems({runId, 0, stage}), 0);
            QCOMPARE(progress.donePrompts({runId, 0, stage}).size(), std::size_t(8));
        }
        for (const auto id : prompts) {
            QCOMPARE(progress.items({runId, 0, stages::kSample}, id).size(), std::size_t(2));
            QCOMPARE(progress.items({runId, 0, stages::kRefine}, id).size(), std::size_t(2));
            QCOMPARE(candidates.count(id), 4); // nothing written outside the stage records
        }
        QCOMPARE(candidates.count(), 32);
        QCOMPARE(store::CritiqueRepository(file.db()).count(), 32);
    }

    void evalOfAProjectIteration()
    {
        const auto project = test::makePipelineProject(m_dir.path(), QStringLiteral("eval"), 2, 0);
        const QString file = QString::fromStdString(project.path);
        // M0 is the project's model folder; the task (arith) is the project's.
        auto r = test::runCli({QStringLiteral("eval"), file, QStringLiteral("--iteration"), QStringLiteral("0"),
                               QStringLiteral("--n"), QStringLiteral("3"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const auto lines = r.out.trimmed().split('\n');
        const auto last = nlohmann::json::parse(lines.last().toStdString());
        QCOMPARE(last.at("n").get<int>(), 3);
        QVERIFY(last.at("accuracy").get<double>() >= 0.0);
        // The same problems as the --model form measures.
        const auto direct = test::runCli({QStringLiteral("eval"), QStringLiteral("--model"),
                                          QString::fromStdString(project.modelDir), QStringLiteral("--task"),
                                          QStringLiteral("arith"), QStringLiteral("--n"), QStringLiteral("3"),
                                          QStringLiteral("--json")});
        QCOMPARE(direct.exitCode, 0);
        QCOMPARE(direct.out.trimmed().split('\n').last(), lines.last());

        r = test::runCli({QStringLiteral("eval"), file, QStringLiteral("--iteration"), QStringLiteral("1"),
                          QStringLiteral("--n"), QStringLiteral("3")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no checkpoint is registered for iteration 1"), r.err.constData());
        r = test::runCli({QStringLiteral("eval"), file, QStringLiteral("--n"), QStringLiteral("3")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("needs --iteration"), r.err.constData());
        r = test::runCli({QStringLiteral("eval"), file, QStringLiteral("--iteration"), QStringLiteral("0"),
                          QStringLiteral("--model"), QString::fromStdString(project.modelDir)});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("not both"), r.err.constData());
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestCliRun)
#include "tst_cli_run.moc"
