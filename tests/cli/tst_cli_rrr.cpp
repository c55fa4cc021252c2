// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf rrr` end to end on a project whose model is the real stories260K model
// (converted here): a tiny run on the arith task and one on the 256 real
// Countdown problems (shared/data/countdown) finish, end with the documented
// before/after JSON line (with the reflection headroom), and leave the run, its
// failures, reflections, evaluation queries, results, metrics and trained model
// in the project file, read back through the store. Usage mistakes exit 2; bad
// input exits 1 naming the cause.
#include "common/cli_runner.h"
#include "common/stories_fixture.h"
#include "common/store_fixture.h"
#include "common/test_paths.h"
#include "model/policy.h"
#include "pipeline/run/run_progress.h"
#include "store/checkpoint_repository.h"
#include "store/metric_repository.h"
#include "store/project_file.h"
#include "store/rrr_eval_repository.h"
#include "store/rrr_repository.h"
#include "store/run_repository.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using rlrf::test::runCli;

namespace {

QJsonObject lastLine(const QByteArray &out)
{
    return QJsonDocument::fromJson(out.trimmed().split('\n').last()).object();
}

QStringList tiny(const QString &project, const QString &task)
{
    return {QStringLiteral("rrr"), project, QStringLiteral("--task"), task, QStringLiteral("--seed"),
            QStringLiteral("2"), QStringLiteral("--train-queries"), QStringLiteral("3"), QStringLiteral("--mine-samples"),
            QStringLiteral("2"), QStringLiteral("--mine-temperature"), QStringLiteral("1"), QStringLiteral("--test-queries"), QStringLiteral("3"), QStringLiteral("--group-size"),
            QStringLiteral("2"), QStringLiteral("--failures-per-step"), QStringLiteral("2"), QStringLiteral("--max-steps"),
            QStringLiteral("2")};
}

} // namespace

class TestCliRrr : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_project;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    void checkAccuracy(const QJsonObject &object)
    {
        for (const auto *side : {"first", "second"}) {
            const auto value = object.value(QLatin1String(side));
            QVERIFY2(value.isDouble(), side);
            QVERIFY(value.toDouble() >= 0.0 && value.toDouble() <= 1.0);
        }
        QVERIFY(object.value(QStringLiteral("second")).toDouble() >= object.value(QStringLiteral("first")).toDouble());
    }

private Q_SLOTS:
    // Killed after its second step (SIGKILL: nothing is cleaned up) and started
    // again, the run continues from that step's checkpoint: the same run, every
    // step once, the reflections and curves of each step once.
    void killedRunContinuesWithoutDuplicates()
    {
        const QString project = path(QStringLiteral("killed.rlrf"));
        auto r = runCli({QStringLiteral("project"), QStringLiteral("new"), project, QStringLiteral("--model"),
                         path(QStringLiteral("model")), QStringLiteral("--task"), QStringLiteral("arith"),
                         QStringLiteral("--rubric"), rlrf::test::rubricPath(QStringLiteral("default.json"))});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        auto args = tiny(project, QStringLiteral("arith"));
        args.replace(args.indexOf(QStringLiteral("--max-steps")) + 1, QStringLiteral("4"));
        args << QStringLiteral("--checkpoint-every") << QStringLiteral("1") << QStringLiteral("--json");
        QProcess child;
        child.start(rlrf::test::cliPath(), args);
        QVERIFY2(child.waitForStarted(30000), qPrintable(child.errorString()));
        QByteArray err;
        while (!err.contains("\"step\":2") && child.state() == QProcess::Running) {
            child.waitForReadyRead(50);
            err += child.readAllStandardError();
        }
        QVERIFY2(child.state() == QProcess::Running, "the run ended before the kill; the test proved nothing");
        child.kill();
        QVERIFY(child.waitForFinished(30000));

        r = runCli(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto lines = r.out.trimmed().split('\n');
        const auto summary = QJsonDocument::fromJson(lines.at(lines.size() - 2)).object();
        QVERIFY(summary.value(QStringLiteral("resumed")).toBool());
        QCOMPARE(summary.value(QStringLiteral("steps")).toInt(), 4);
        QVERIFY2(r.err.contains("continuing after step"), r.err.constData());

        auto file = rlrf::store::Project::open(project.toStdString());
        rlrf::store::RunRepository runs(file.db());
        QCOMPARE(runs.list().size(), std::size_t{1});
        const auto run = runs.list().front();
        QVERIFY(run.status == rlrf::store::RunStatus::Succeeded);
        rlrf::store::RrrRepository rrr(file.db());
        QCOMPARE(rrr.failures(run.id).size(), std::size_t(summary.value(QStringLiteral("failures")).toInt()));
        QCOMPARE(rrr.reflectionCount(run.id), std::int64_t{4 * 2 * 2}); // steps x failures x group, once each
        rlrf::store::MetricRepository metrics(file.db());
        const auto reward = metrics.series(run.id, "rrr/reward_mean");
        QCOMPARE(reward.size(), std::size_t{4});
        for (std::size_t i = 0; i < reward.size(); ++i)
            QCOMPARE(reward[i].step, std::int64_t(i + 1));
        QCOMPARE(runs.evalResults(run.id).size(), std::size_t{9}); // evaluated and mined once
        // The step checkpoints are gone once the final model is saved.
        const QDir out(project + QStringLiteral(".runs/rrr-") + QString::number(run.id));
        QCOMPARE(out.entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden), QStringList{QStringLiteral("final")});

        // Started again, a finished run is not continued: a new one starts.
        r = runCli(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(!QJsonDocument::fromJson(r.out.trimmed().split('\n').at(r.out.trimmed().split('\n').size() - 2))
                     .object()
                     .value(QStringLiteral("resumed"))
                     .toBool());
    }

    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        rlrf::test::convertStories260K(path(QStringLiteral("model")));
        m_project = path(QStringLiteral("p.rlrf"));
        const auto r = runCli({QStringLiteral("project"), QStringLiteral("new"), m_project, QStringLiteral("--model"),
                               path(QStringLiteral("model")), QStringLiteral("--task"), QStringLiteral("arith"),
                               QStringLiteral("--rubric"), rlrf::test::rubricPath(QStringLiteral("default.json"))});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void arithRunIsRecordedInTheProject()
    {
        // Short generations keep the run quick; the other settings come from the options.
        QFile config(path(QStringLiteral("short.json")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("{\"max_answer_tokens\": 24, \"max_reflection_tokens\": 12, \"group_size\": 5}");
        config.close();
        const auto r = runCli(tiny(m_project, QStringLiteral("arith")) << QStringLiteral("--config") << config.fileName()
                                                                        << QStringLiteral("--json"));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto last = lastLine(r.out);
        QCOMPARE(last.keys(), (QStringList{QStringLiteral("after"), QStringLiteral("before")}));
        checkAccuracy(last.value(QStringLiteral("before")).toObject());
        checkAccuracy(last.value(QStringLiteral("after")).toObject());
        const auto lines = r.out.trimmed().split('\n');
        const auto summary = QJsonDocument::fromJson(lines.at(lines.size() - 2)).object();
        QCOMPARE(summary.value(QStringLiteral("outcome")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(summary.value(QStringLiteral("steps")).toInt(), 2);
        QCOMPARE(summary.value(QStringLiteral("mined_attempts")).toInt(), 6);

        auto project = rlrf::store::Project::open(m_project.toStdString());
        rlrf::store::RunRepository runs(project.db());
        const auto run = runs.byId(summary.value(QStringLiteral("run_id")).toInt());
        QVERIFY(run.kind == rlrf::store::RunKind::Rrr);
        QVERIFY(run.status == rlrf::store::RunStatus::Succeeded);
        QVERIFY(run.hyperParametersJson.find("\"group_size\":2") != std::string::npos);
        const auto results = runs.evalResults(run.id);
        QCOMPARE(results.size(), std::size_t{9}); // first, second, reflection length; before and after; mining
        for (const auto &e : results) {
            if (e.split == "train") { // the mining counts
                const auto key = e.metric == "mined_correct_attempts" ? QStringLiteral("mine_correct_attempts")
                                                                      : QString::fromStdString(e.metric);
                QCOMPARE(e.value, summary.value(key).toDouble());
                continue;
            }
            QCOMPARE(e.n, std::int64_t{3});
            if (e.metric == "first_try_accuracy")
                QCOMPARE(e.value, last.value(QLatin1String(e.iteration == 0 ? "before" : "after"))
                                      .toObject().value(QStringLiteral("first")).toDouble());
        }
        // The headroom beside first and second: what the stored queries add up to.
        rlrf::store::RrrEvalRepository queries(project.db());
        for (const char *phase : {rlrf::store::kRrrPhaseBefore, rlrf::store::kRrrPhaseAfter}) {
            const auto json = last.value(QLatin1String(phase)).toObject().value(QStringLiteral("headroom")).toObject();
            const auto stored = queries.headroom(run.id, phase);
            QVERIFY2(stored.has_value(), phase);
            QCOMPARE(json.value(QStringLiteral("failures")).toInt(), static_cast<int>(stored->failures));
            QCOMPARE(json.value(QStringLiteral("own_solved")).toInt(), static_cast<int>(stored->ownSolved));
            QCOMPARE(json.value(QStringLiteral("oracle_solved")).toInt(), static_cast<int>(stored->oracleSolved));
            QCOMPARE(json.value(QStringLiteral("oracle_available")).toInt(), static_cast<int>(stored->failures));
            QCOMPARE(json.value(QStringLiteral("own_share")).toDouble(), stored->ownShare());
            QCOMPARE(stored->queries, std::int64_t{3});
        }
        rlrf::store::RrrRepository rrr(project.db());
        const auto failures = rrr.failures(run.id);
        QCOMPARE(static_cast<int>(failures.size()), summary.value(QStringLiteral("failures")).toInt());
        QVERIFY(!failures.empty()); // stories260K does not solve arithmetic
        QCOMPARE(rrr.reflectionCount(run.id), std::int64_t{2 * 2 * 2}); // steps x failures x group
        QVERIFY(rlrf::store::MetricRepository(project.db()).series(run.id, "rrr/reward_mean").size() == 2);
        const auto checkpoints = rlrf::store::CheckpointRepository(project.db()).list();
        QVERIFY(checkpoints.back().runId == std::optional<std::int64_t>(run.id));
        QCOMPARE(QString::fromStdString(checkpoints.back().path), summary.value(QStringLiteral("checkpoint")).toString());
        QCOMPARE(rlrf::model::Policy::load(checkpoints.back().path).config().vocabSize, std::int64_t{512});
        QVERIFY(r.err.contains("\"rrr/kl\""));

        // The stage view a window shows reads the finished run from the store.
        const auto view = rlrf::pipeline::readRunProgress(project.db(), run.id);
        QCOMPARE(view.method, std::string("rrr"));
        QCOMPARE(view.rows.size(), std::size_t{1});
        QCOMPARE(view.columns, (std::vector<std::string>{"evaluate_before", "mine", "steps", "evaluate_after"}));
        for (const auto &cell : view.rows[0].cells)
            QVERIFY2(cell.state == rlrf::pipeline::StageState::Done, cell.stage.c_str());
        QCOMPARE(view.rows[0].cells[2].done, std::int64_t{2});
        QCOMPARE(view.rows[0].cells[2].total, std::int64_t{2});
        QVERIFY(view.timeTable.find("steps") != std::string::npos);
        QVERIFY(view.current.empty());
    }

    void countdownRunOnTheRealProblems()
    {
        const auto data = rlrf::test::sharedData(QStringLiteral("countdown/countdown_cd3_test.jsonl"));
        QVERIFY2(!data.isEmpty(), qPrintable(QStringLiteral("countdown data missing under ") + rlrf::test::sharedDataDir()));
        const auto r = runCli(tiny(m_project, QStringLiteral("countdown")) << QStringLiteral("--data") << data
                                                                            << QStringLiteral("--json"));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        checkAccuracy(lastLine(r.out).value(QStringLiteral("after")).toObject());
        auto project = rlrf::store::Project::open(m_project.toStdString());
        const auto runs = rlrf::store::RunRepository(project.db()).list();
        QVERIFY(runs.back().hyperParametersJson.find("countdown") != std::string::npos);
    }

    void usageMistakesExit2()
    {
        auto r = runCli({QStringLiteral("rrr"), m_project});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("task"), r.err.constData());
        r = runCli({QStringLiteral("rrr"), QStringLiteral("--task"), QStringLiteral("arith")});
        QCOMPARE(r.exitCode, 2);
    }

    void badInputExits1NamingTheCause()
    {
        auto r = runCli(tiny(m_project, QStringLiteral("chess")));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("'--task': must be one of arith, countdown, bfcl, got 'chess'"), r.err.constData());
        r = runCli(tiny(m_project, QStringLiteral("bfcl")));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("needs a BFCL"), r.err.constData());
        r = runCli(tiny(m_project, QStringLiteral("arith")) << QStringLiteral("--epochs") << QStringLiteral("0"));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("'--epochs': must be above 0"), r.err.constData());
        QFile config(path(QStringLiteral("typo.json")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("{\"group_sise\": 4}");
        config.close();
        r = runCli(tiny(m_project, QStringLiteral("arith")) << QStringLiteral("--config") << config.fileName());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("typo.json: 'group_sise'"), r.err.constData());
        r = runCli(tiny(path(QStringLiteral("missing.rlrf")), QStringLiteral("arith")));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("missing.rlrf"), r.err.constData());
        r = runCli(tiny(m_project, QStringLiteral("arith")) << QStringLiteral("--model") << path(QStringLiteral("nomodel")));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("nomodel") && r.err.contains("config.json"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliRrr)
#include "tst_cli_rrr.moc"
