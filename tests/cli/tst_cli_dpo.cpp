// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf dpo` end to end on the real stories260K model (converted here): text pairs
// are trained on, the final folder loads as a model, a second run reads the reference
// cache; --resume continues from a periodic checkpoint with the uninterrupted run's
// step numbers and metrics, and refuses other settings; usage mistakes exit 2, bad
// input exits 1 naming file, line and field.
#include "common/cli_runner.h"
#include "common/stories_fixture.h"
#include "model/policy.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>

using rlrf::test::runCli;

namespace {

QJsonObject lastLine(const QByteArray &out)
{
    const auto lines = out.trimmed().split('\n');
    return QJsonDocument::fromJson(lines.last()).object();
}

// The per-step metric lines a run wrote to stderr, by step.
QMap<int, QJsonObject> stepLines(const QByteArray &err)
{
    QMap<int, QJsonObject> steps;
    for (const auto &line : err.split('\n')) {
        const auto object = QJsonDocument::fromJson(line).object();
        if (object.contains(QStringLiteral("dpo/loss")))
            steps.insert(object.value(QStringLiteral("step")).toInt(), object);
    }
    return steps;
}

} // namespace

class TestCliDpo : public QObject {
    Q_OBJECT

    QString writeFile(const QString &name, const QByteArray &text)
    {
        QFile file(m_dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(file.fileName()));
        file.write(text);
        return file.fileName();
    }

    QStringList dpoArgs(const QString &pairs, const QString &out)
    {
        return {QStringLiteral("dpo"), QStringLiteral("--model"), m_model, QStringLiteral("--pairs"), pairs,
                QStringLiteral("--out"), out, QStringLiteral("--lr"), QStringLiteral("0.003"),
                QStringLiteral("--epochs"), QStringLiteral("3"), QStringLiteral("--batch-size"), QStringLiteral("2"),
                QStringLiteral("--seed"), QStringLiteral("7"), QStringLiteral("--beta"), QStringLiteral("0.2")};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_model = QString::fromStdString(rlrf::test::convertStories260K(m_dir.filePath(QStringLiteral("model"))));
        m_warmupConfig = writeFile(QStringLiteral("warmup.json"),
                                   "{\"lr_scheduler_type\": \"cosine\", \"warmup_ratio\": 0.5, \"weight_decay\": 0.01}\n");
    }

    void trainsOnTextPairsAndReusesTheReferenceCache()
    {
        const auto pairs = writeFile(QStringLiteral("pairs.jsonl"),
                                     "{\"prompt\": \"Once upon a time\", \"chosen\": \" there was a cat.\", \"rejected\": \" the end\"}\n"
                                     "{\"prompt_ids\": [1, 403], \"chosen_ids\": [281, 266, 2], \"rejected_ids\": [307, 42, 2]}\n");
        const auto out = m_dir.filePath(QStringLiteral("run"));
        const auto first = runCli(dpoArgs(pairs, out));
        QVERIFY2(first.exitCode == 0, first.err.constData());
        const auto result = lastLine(first.out);
        QCOMPARE(result.value(QStringLiteral("outcome")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(result.value(QStringLiteral("steps")).toInt(), 3);
        QCOMPARE(result.value(QStringLiteral("pairs")).toInt(), 2);
        QCOMPARE(result.value(QStringLiteral("reference_computed_pairs")).toInt(), 2);
        QCOMPARE(result.value(QStringLiteral("checkpoint")).toString(), out + QStringLiteral("/final"));
        const auto metrics = result.value(QStringLiteral("metrics")).toObject();
        QVERIFY(metrics.contains(QStringLiteral("dpo/rewards/margins")));
        QVERIFY(metrics.value(QStringLiteral("dpo/loss")).toDouble() > 0.0);
        QVERIFY(first.err.contains("dpo step 3/3"));
        int stepLines = 0; // one JSON line of metrics per step on stderr
        for (const auto &line : first.err.split('\n')) {
            const auto object = QJsonDocument::fromJson(line).object();
            if (object.contains(QStringLiteral("dpo/rewards/accuracies")) && object.contains(QStringLiteral("dpo/tokens_per_second")))
                QCOMPARE(object.value(QStringLiteral("step")).toInt(), ++stepLines);
        }
        QCOMPARE(stepLines, 3);
        QCOMPARE(rlrf::model::Policy::load((out + QStringLiteral("/final")).toStdString()).config().vocabSize,
                 std::int64_t(512));
        QVERIFY(QFile::exists(out + QStringLiteral("/final/tokenizer.json")));

        const auto second = runCli(dpoArgs(pairs, out) << QStringLiteral("--loss") << QStringLiteral("ipo"));
        QVERIFY2(second.exitCode == 0, second.err.constData());
        QCOMPARE(lastLine(second.out).value(QStringLiteral("reference_computed_pairs")).toInt(), 0);
    }

    void resumeContinuesFromAPeriodicCheckpoint()
    {
        const auto pairs = writeFile(QStringLiteral("resume-pairs.jsonl"),
                                     "{\"prompt\": \"Once upon a time\", \"chosen\": \" there was a cat.\", \"rejected\": \" the end\"}\n"
                                     "{\"prompt\": \"Tom had a ball.\", \"chosen\": \" He threw it.\", \"rejected\": \" ball ball\"}\n"
                                     "{\"prompt\": \"The sun was up.\", \"chosen\": \" Mia went out.\", \"rejected\": \" up up sun\"}\n");
        // 3 pairs in micro-batches of 2: 2 steps an epoch, 6 in 3 epochs, half of them warm-up.
        // Both runs on one thread: the same summation order, whatever cores are idle.
        const QByteArray callerThreads = qgetenv("RLRF_THREADS");
        qputenv("RLRF_THREADS", "1");
        const auto restore = qScopeGuard([callerThreads] {
            if (callerThreads.isNull())
                qunsetenv("RLRF_THREADS");
            else
                qputenv("RLRF_THREADS", callerThreads);
        });
        auto args = [&](const QString &out) {
            return dpoArgs(pairs, out) << QStringLiteral("--save-steps") << QStringLiteral("1")
                                       << QStringLiteral("--config") << m_warmupConfig;
        };
        const auto straightOut = m_dir.filePath(QStringLiteral("straight"));
        const auto straight = runCli(args(straightOut));
        QVERIFY2(straight.exitCode == 0, straight.err.constData());
        QCOMPARE(lastLine(straight.out).value(QStringLiteral("steps")).toInt(), 6);
        const auto checkpoint = straightOut + QStringLiteral("/checkpoint-2");
        QVERIFY(QFile::exists(checkpoint + QStringLiteral("/optimizer.pt")));

        const auto resumed = runCli(args(m_dir.filePath(QStringLiteral("resumed"))) << QStringLiteral("--resume") << checkpoint);
        QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
        const auto result = lastLine(resumed.out);
        QCOMPARE(result.value(QStringLiteral("steps")).toInt(), 6);
        QCOMPARE(result.value(QStringLiteral("resumed_from_step")).toInt(), 2);
        QCOMPARE(result.value(QStringLiteral("reference_computed_pairs")).toInt(), 0); // the cache beside the checkpoint
        const auto before = stepLines(straight.err);
        const auto after = stepLines(resumed.err);
        QCOMPARE(after.keys(), QList<int>({3, 4, 5, 6}));
        for (const int step : after.keys())
            for (const auto *key : {"dpo/loss", "dpo/learning_rate", "dpo/rewards/margins"}) {
                const double a = before[step].value(QLatin1String(key)).toDouble();
                const double b = after[step].value(QLatin1String(key)).toDouble();
                QVERIFY2(std::abs(a - b) <= 1e-6 * std::max(1.0, std::abs(a)),
                         qPrintable(QStringLiteral("step %1 %2: %3 vs %4").arg(step).arg(QLatin1String(key)).arg(a).arg(b)));
            }

        auto otherBeta = args(m_dir.filePath(QStringLiteral("refused"))) << QStringLiteral("--resume") << checkpoint;
        otherBeta[otherBeta.indexOf(QStringLiteral("--beta")) + 1] = QStringLiteral("0.3");
        const auto refused = runCli(otherBeta);
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains("checkpoint-2/trainer_state.json: 'beta'"), refused.err.constData());
        const auto final = runCli(args(m_dir.filePath(QStringLiteral("refused"))) << QStringLiteral("--resume")
                                                                                 << straightOut + QStringLiteral("/final"));
        QCOMPARE(final.exitCode, 1);
        QVERIFY2(final.err.contains("no resume state"), final.err.constData());
    }

    void usageMistakesExit2()
    {
        const auto r = runCli({QStringLiteral("dpo"), QStringLiteral("--model"), m_model});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("pairs"), r.err.constData());
    }

    void badInputExits1NamingTheCause()
    {
        const auto bad = writeFile(QStringLiteral("bad.jsonl"), "{\"prompt_ids\": [1], \"chosen_ids\": [2]}\n");
        const auto r = runCli(dpoArgs(bad, m_dir.filePath(QStringLiteral("bad"))));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("bad.jsonl:1: 'rejected_ids'"), r.err.constData());

        const auto good = writeFile(QStringLiteral("good.jsonl"), "{\"prompt_ids\": [1], \"chosen_ids\": [2], \"rejected_ids\": [3]}\n");
        const auto loss = runCli(dpoArgs(good, m_dir.filePath(QStringLiteral("loss"))) << QStringLiteral("--loss")
                                                                                         << QStringLiteral("kto"));
        QCOMPARE(loss.exitCode, 1);
        QVERIFY2(loss.err.contains("'loss_type'") && loss.err.contains("kto"), loss.err.constData());
    }

private:
    QTemporaryDir m_dir;
    QString m_model, m_warmupConfig;
};

QTEST_GUILESS_MAIN(TestCliDpo)
#include "tst_cli_dpo.moc"
