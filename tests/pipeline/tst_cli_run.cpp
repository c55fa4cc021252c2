// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf run` as users run it: its help gives the defaults a run gets, usage
// mistakes exit 2, bad projects exit 1 with a message naming the file, and a
// run killed with SIGKILL at several moments and started again ends with every
// prompt's outputs present exactly once; `rlrf eval FILE --iteration I`
// measures M_I of a project; and one real iteration on the shipped demo model
// (resources/models/arith-demo, arith problems from the task's generator)
// reports M1's win rate against M0, computed from the judged answers it stored
// (each re-judged here).
#include "common/cli_runner.h"
#include "common/pipeline_fixture.h"
#include "common/test_paths.h"

#include "eval/win_rate.h"
#include "feedback/judge_factory.h"
#include "pipeline/run/pipeline_options.h"
#include "pipeline/run/stage_env.h"
#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/eval_answer_repository.h"
#include "store/project_file.h"
#include "store/project_setup.h"
#include "store/prompt_repository.h"
#include "store/run_repository.h"
#include "store/stage_repository.h"
#include "types/rubric_io.h"

#include <nlohmann/json.hpp>

#include <QFile>
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
            QStringLiteral("--eval-n"),     QStringLiteral("0"),             QStringLiteral("--auto-approve"),
            QStringLiteral("--any-chosen")}; // stories260K is rarely right: pairs by score alone
}

// `rlrf task sample` output saved as a file and imported into the project.
void importArith(const QString &project, const QString &file, const char *split, int n, int seed)
{
    const auto sampled = test::runCli({QStringLiteral("task"), QStringLiteral("sample"), QStringLiteral("--task"),
                                       QStringLiteral("arith"), QStringLiteral("--split"), QLatin1String(split),
                                       QStringLiteral("--n"), QString::number(n), QStringLiteral("--seed"),
                                       QString::number(seed)});
    QCOMPARE(sampled.exitCode, 0);
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(sampled.out);
    out.close();
    const auto imported = test::runCli({QStringLiteral("import"), project, QStringLiteral("--format"),
                                        QStringLiteral("jsonl"), QStringLiteral("--input"), file,
                                        QStringLiteral("--split"), QLatin1String(split),
                                        QStringLiteral("--answer-field"), QStringLiteral("answer")});
    QVERIFY2(imported.exitCode == 0, imported.err.constData());
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
                                   << QStringLiteral("'--pair-rule': 'longest' is not one of best_worst");
        QTest::newRow("delta") << QStringList{QStringLiteral("run"), QStringLiteral("p.rlrf"), QStringLiteral("--delta"),
                                              QStringLiteral("2")}
                               << QStringLiteral("delta");
        QTest::newRow("loss") << QStringList{QStringLiteral("run"), QStringLiteral("p.rlrf"), QStringLiteral("--loss"),
                                             QStringLiteral("square")}
                              << QStringLiteral("loss");
        QTest::newRow("seed") << QStringList{QStringLiteral("run"), QStringLiteral("p.rlrf"), QStringLiteral("--seed"),
                                             QStringLiteral("-3")}
                              << QStringLiteral("--seed");
        QTest::newRow("sft source") << QStringList{QStringLiteral("run"), QStringLiteral("p.rlrf"),
                                                   QStringLiteral("--sft-source"), QStringLiteral("all")}
                                    << QStringLiteral("'--sft-source': must be one of pairs, pool");
    }

    // The help's defaults are read from PipelineOptions: they are the ones a run gets.
    void helpGivesTheDefaults()
    {
        const auto r = test::runCli({QStringLiteral("run"), QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        const auto help = QString::fromUtf8(r.out + r.err);
        const pipeline::PipelineOptions defaults;
        const QStringList expected = {
            QStringLiteral("train prompts per iteration (default %1)").arg(defaults.promptsPerIteration),
            QStringLiteral("answers sampled per prompt (default %1)").arg(defaults.samples),
            QStringLiteral("0 = none (an ablation) (default %1)").arg(defaults.refinements),
            QStringLiteral("before DPO; 0 = none (default %1)").arg(defaults.sft.epochs),
            QStringLiteral("default %1)").arg(QString::fromStdString(defaults.sftSource)),
            QStringLiteral("DPO beta (default %1)").arg(defaults.dpo.beta),
            QStringLiteral("DPO epochs per iteration (default %1)").arg(defaults.dpo.epochs),
            QStringLiteral("(sigmoid, ipo, hinge, apo_zero, apo_down; default %1)").arg(QString::fromStdString(defaults.dpo.lossType)),
            QStringLiteral("chosen answers (default %1)").arg(defaults.dpo.nllWeight),
            QStringLiteral("0 = no evaluation (default %1)").arg(defaults.evalN),
        };
        for (const auto &text : expected)
            QVERIFY2(help.contains(text), qPrintable(text));
        // Rates are written as 1e-4, which QString::arg does not produce.
        QCOMPARE(defaults.sft.learningRate, 1e-4);
        QVERIFY(help.contains(QStringLiteral("its peak learning rate (default 1e-4)")));
        QCOMPARE(defaults.dpo.learningRate, 5e-5);
        QVERIFY(help.contains(QStringLiteral("DPO peak learning rate (default 5e-5)")));
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
            // A round whose run ended on its own is already finished, and
            // waitForFinished() answers false for a finished process.
            if (child.state() != QProcess::NotRunning)
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

    void oneDemoIterationReportsM1sWinRate()
    {
        const QString project = m_dir.path() + QStringLiteral("/demo.rlrf");
        const QString rubric = test::sourceDir() + QStringLiteral("/rubrics/math.json");
        auto r = test::runCli({QStringLiteral("project"), QStringLiteral("new"), project, QStringLiteral("--model"),
                               test::sourceDir() + QStringLiteral("/resources/models/arith-demo"),
                               QStringLiteral("--task"), QStringLiteral("arith"), QStringLiteral("--rubric"), rubric});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        importArith(project, m_dir.path() + QStringLiteral("/demo-train.jsonl"), "train", 8, 11);
        importArith(project, m_dir.path() + QStringLiteral("/demo-test.jsonl"), "test", 6, 12);
        r = test::runCli({QStringLiteral("run"), project, QStringLiteral("--iterations"), QStringLiteral("1"),
                          QStringLiteral("--prompts"), QStringLiteral("8"), QStringLiteral("--delta"),
                          QStringLiteral("0.05"), QStringLiteral("--epochs"), QStringLiteral("1"),
                          QStringLiteral("--lr"), QStringLiteral("3e-4"), // enough for M1 to answer differently
                          QStringLiteral("--eval-n"), QStringLiteral("6"), QStringLiteral("--auto-approve")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto summary = nlohmann::json::parse(r.out.trimmed().split('\n').last().toStdString());
        const auto &evals = summary.at("evaluations");
        QVERIFY2(!evals.at("M0").contains("win_rate"), evals.dump().c_str()); // nothing to beat
        const auto &m1 = evals.at("M1");
        const double winRate = m1.at("win_rate").get<double>();
        QVERIFY2(winRate >= 0.0 && winRate <= 1.0, m1.dump().c_str());
        const double wins = m1.at("win_rate/wins"), ties = m1.at("win_rate/ties"), losses = m1.at("win_rate/losses");
        QCOMPARE(wins + ties + losses, 6.0);
        QCOMPARE(winRate, (wins + ties / 2.0) / 6.0);

        // The answers behind it are stored, and each one is what the judges say of it.
        auto file = store::Project::open(project.toStdString());
        const std::int64_t run = summary.at("run").get<std::int64_t>();
        store::EvalAnswerRepository answers(file.db());
        const auto m0 = answers.forModel(run, 0, "test"), m1Answers = answers.forModel(run, 1, "test");
        QCOMPARE(m0.size(), std::size_t(6));
        QCOMPARE(m1Answers.size(), std::size_t(6));
        QCOMPARE(answers.count(run), 12);
        const auto rubricFile = feedback::loadRubricFile(rubric.toStdString());
        auto judge = feedback::makeJudge("rule:arith");
        auto verifier = feedback::makeJudge("verifier:arith");
        store::PromptRepository prompts(file.db());
        int correct = 0;
        for (const auto *rows : {&m0, &m1Answers})
            for (const auto &a : *rows) {
                const auto prompt = prompts.byId(a.promptId);
                const feedback::JudgeRequest request{prompt.text, a.answer, prompt.referenceAnswer};
                QCOMPARE(a.overall, judge->judge(request, rubricFile).overall);
                QVERIFY(a.correct.has_value());
                QCOMPARE(*a.correct, verifier->judge(request, rubricFile).reward.value_or(0.0) > 0.5);
                correct += rows == &m1Answers && *a.correct;
            }
        QCOMPARE(m1.at("accuracy").get<double>(), correct / 6.0);
        const auto recomputed = eval::winRate(m1Answers, m0);
        QCOMPARE(static_cast<double>(recomputed.wins), wins);
        QCOMPARE(static_cast<double>(recomputed.ties), ties);
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestCliRun)
#include "tst_cli_run.moc"
