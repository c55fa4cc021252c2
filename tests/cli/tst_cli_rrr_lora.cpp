// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf rrr --lora-r N` end to end on a project whose model is a copy of the
// arith demo model (resources/models/arith-demo), with tiny settings: killed
// (SIGKILL) after its second step and started again, the run continues from
// its adapter checkpoint with one model read from disk, records every step
// once, leaves the base's weights file as it was and ends with a PEFT adapter
// folder that `rlrf eval --model` evaluates. Bad LoRA settings exit naming the
// option or the setting; LoRA details without a rank are a usage mistake.
#include "common/cli_runner.h"
#include "common/test_paths.h"
#include "store/metric_repository.h"
#include "store/project_file.h"
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

QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QJsonObject summaryOf(const QByteArray &out)
{
    const auto lines = out.trimmed().split('\n');
    return lines.size() < 2 ? QJsonObject() : QJsonDocument::fromJson(lines.at(lines.size() - 2)).object();
}

} // namespace

class TestCliRrrLora : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_model, m_project, m_final;
    QByteArray m_baseWeights;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    QStringList tiny() const
    {
        return {QStringLiteral("rrr"), m_project, QStringLiteral("--task"), QStringLiteral("arith"),
                QStringLiteral("--seed"), QStringLiteral("2"), QStringLiteral("--train-queries"), QStringLiteral("8"),
                QStringLiteral("--mine-samples"), QStringLiteral("2"), QStringLiteral("--mine-temperature"), QStringLiteral("1"), QStringLiteral("--test-queries"),
                QStringLiteral("4"), QStringLiteral("--group-size"), QStringLiteral("4"),
                QStringLiteral("--failures-per-step"), QStringLiteral("2"), QStringLiteral("--max-steps"),
                QStringLiteral("4"), QStringLiteral("--lr"), QStringLiteral("1e-3"), QStringLiteral("--beta"),
                QStringLiteral("0.01")};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_model = path(QStringLiteral("model"));
        QVERIFY(QDir().mkpath(m_model));
        const QDir demo(rlrf::test::sourceDir() + QStringLiteral("/resources/models/arith-demo"));
        for (const auto &name : demo.entryList(QDir::Files))
            QVERIFY(QFile::copy(demo.filePath(name), m_model + QLatin1Char('/') + name));
        m_baseWeights = fileBytes(m_model + QStringLiteral("/model.safetensors"));
        QVERIFY(!m_baseWeights.isEmpty());
        m_project = path(QStringLiteral("p.rlrf"));
        const auto r = runCli({QStringLiteral("project"), QStringLiteral("new"), m_project, QStringLiteral("--model"),
                               m_model, QStringLiteral("--task"), QStringLiteral("arith"), QStringLiteral("--rubric"),
                               rlrf::test::sourceDir() + QStringLiteral("/rubrics/math.json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void killedLoraRunContinuesWithItsAdapter()
    {
        const auto args = tiny() << QStringLiteral("--lora-r") << QStringLiteral("4") << QStringLiteral("--checkpoint-every")
                                 << QStringLiteral("1") << QStringLiteral("--json");
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
        QVERIFY2(err.contains("the KL reference is the same model with the adapter switched off"), err.constData());

        const auto r = runCli(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto summary = summaryOf(r.out);
        QVERIFY(summary.value(QStringLiteral("resumed")).toBool());
        QCOMPARE(summary.value(QStringLiteral("steps")).toInt(), 4);
        QVERIFY2(r.err.contains("continuing after step"), r.err.constData());
        // It went on from an adapter checkpoint, and read the base once: no reference copy.
        QVERIFY2(r.err.contains("attached the LoRA adapter"), r.err.constData());
        QCOMPARE(r.err.count(QStringLiteral("loaded %1 (").arg(m_model).toUtf8()), 1);

        auto file = rlrf::store::Project::open(m_project.toStdString());
        const auto runs = rlrf::store::RunRepository(file.db()).list();
        QCOMPARE(runs.size(), std::size_t{1});
        QVERIFY(runs.front().status == rlrf::store::RunStatus::Succeeded);
        QCOMPARE(rlrf::store::RrrRepository(file.db()).reflectionCount(runs.front().id), std::int64_t{4 * 2 * 4});
        const auto reward = rlrf::store::MetricRepository(file.db()).series(runs.front().id, "rrr/reward_mean");
        QCOMPARE(reward.size(), std::size_t{4});
        for (std::size_t i = 0; i < reward.size(); ++i)
            QCOMPARE(reward[i].step, std::int64_t(i + 1));

        // Only the adapter trained: the base is unchanged, final/ is the adapter.
        QCOMPARE(fileBytes(m_model + QStringLiteral("/model.safetensors")), m_baseWeights);
        m_final = summary.value(QStringLiteral("checkpoint")).toString();
        const QDir final(m_final);
        QVERIFY(final.exists(QStringLiteral("adapter_config.json")));
        QVERIFY(final.exists(QStringLiteral("adapter_model.safetensors")));
        QVERIFY(!final.exists(QStringLiteral("config.json")));
        const auto config = QJsonDocument::fromJson(fileBytes(final.filePath(QStringLiteral("adapter_config.json")))).object();
        QCOMPARE(config.value(QStringLiteral("r")).toInt(), 4);
        QCOMPARE(config.value(QStringLiteral("base_model_name_or_path")).toString(), m_model);
    }

    void evalTakesTheFinalAdapter()
    {
        QVERIFY2(!m_final.isEmpty(), "needs killedLoraRunContinuesWithItsAdapter");
        const auto r = runCli({QStringLiteral("eval"), QStringLiteral("--model"), m_final, QStringLiteral("--task"),
                               QStringLiteral("arith"), QStringLiteral("--n"), QStringLiteral("4"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto last = QJsonDocument::fromJson(r.out.trimmed().split('\n').last()).object();
        QCOMPARE(last.value(QStringLiteral("n")).toInt(), 4);
        QVERIFY(last.value(QStringLiteral("accuracy")).isDouble());
        QVERIFY2(r.err.contains("attached the LoRA adapter"), r.err.constData());
        // The project's view of it: the run registered final/ as its model after training.
        const auto project = runCli({QStringLiteral("eval"), m_project, QStringLiteral("--iteration"),
                                     QStringLiteral("1"), QStringLiteral("--n"), QStringLiteral("4"),
                                     QStringLiteral("--json")});
        QVERIFY2(project.exitCode == 0, project.err.constData());
        QCOMPARE(project.out.trimmed().split('\n').last(), r.out.trimmed().split('\n').last());
    }

    void badLoraSettingsAreNamed()
    {
        auto r = runCli(tiny() << QStringLiteral("--new") << QStringLiteral("--lora-r") << QStringLiteral("-1"));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("'--lora-r': must be at least 0"), r.err.constData());
        r = runCli(tiny() << QStringLiteral("--new") << QStringLiteral("--lora-r") << QStringLiteral("4")
                          << QStringLiteral("--lora-dropout") << QStringLiteral("1"));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("'lora.lora_dropout': must be in [0, 1)"), r.err.constData());
        r = runCli(tiny() << QStringLiteral("--new") << QStringLiteral("--lora-r") << QStringLiteral("4")
                          << QStringLiteral("--lora-targets") << QStringLiteral("q_proj,qkv"));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("'--lora-targets'") && r.err.contains("qkv"), r.err.constData());
        r = runCli(tiny() << QStringLiteral("--new") << QStringLiteral("--lora-alpha") << QStringLiteral("32"));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("need --lora-r N"), r.err.constData());
        if (m_final.isEmpty())
            return;
        // Another adapter on top of the one the model folder carries.
        r = runCli(tiny() << QStringLiteral("--new") << QStringLiteral("--model") << m_final << QStringLiteral("--lora-r")
                          << QStringLiteral("8"));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("the model already carries a LoRA adapter (r 4)"), r.err.constData());
        auto file = rlrf::store::Project::open(m_project.toStdString());
        QCOMPARE(rlrf::store::RunRepository(file.db()).list().size(), std::size_t{1}); // none recorded
    }
};

QTEST_GUILESS_MAIN(TestCliRrrLora)
#include "tst_cli_rrr_lora.moc"
