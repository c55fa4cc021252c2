// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf dpo` end to end on the real stories260K model (converted here): text pairs
// are trained on, the final folder loads as a model, a second run reads the reference
// cache; usage mistakes exit 2, bad input exits 1 naming file, line and field.
#include "common/cli_runner.h"
#include "common/stories_fixture.h"
#include "model/policy.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using rlrf::test::runCli;

namespace {

QJsonObject lastLine(const QByteArray &out)
{
    const auto lines = out.trimmed().split('\n');
    return QJsonDocument::fromJson(lines.last()).object();
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
    QString m_model;
};

QTEST_GUILESS_MAIN(TestCliDpo)
#include "tst_cli_dpo.moc"
