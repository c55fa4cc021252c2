// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf dpo` and `rlrf sft` plan their memory before they train: the plan is
// printed, a run that cannot fit is refused before any weight is read (with the
// flags that would fit), and --ignore-memory-plan starts it anyway. The refused
// model is Llama-3.1-8B's published config (fully trained in float32 it needs
// ~165 GiB), in a folder without weights: a run that went past the plan would
// fail on the missing weights instead.
#include "common/cli_runner.h"
#include "common/stories_fixture.h"
#include "common/store_fixture.h"
#include "common/test_paths.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using rlrf::test::runCli;

namespace {

void writeFile(const QString &path, const QByteArray &text)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}

} // namespace

class TestCliMemoryCheck : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_big = m_dir.filePath(QStringLiteral("llama3-8b-shape"));
        QVERIFY(QDir().mkpath(m_big));
        QVERIFY(QFile::copy(rlrf::test::sourceDir() + QStringLiteral("/tests/fixtures/model_configs/llama-3.1-8b.json"),
                            m_big + QStringLiteral("/config.json")));
        m_pairs = m_dir.filePath(QStringLiteral("pairs.jsonl"));
        writeFile(m_pairs, "{\"prompt_ids\": [1, 2, 3], \"chosen_ids\": [4, 5], \"rejected_ids\": [6, 7]}\n");
    }

    void aRunThatCannotFitIsRefusedBeforeLoading()
    {
        const auto r = runCli({QStringLiteral("dpo"), QStringLiteral("--model"), m_big, QStringLiteral("--pairs"), m_pairs,
                               QStringLiteral("--out"), m_dir.filePath(QStringLiteral("out"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("memory plan: dpo"), r.err.constData());
        QVERIFY2(r.err.contains("fits: no"), r.err.constData());
        QVERIFY2(r.err.contains("--lora-r 16"), r.err.constData());
        QVERIFY2(!r.err.contains("model.safetensors"), r.err.constData()); // no weight was looked for
        QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("out/final"))));
    }

    void theOptionStartsItAnyway()
    {
        const auto r = runCli({QStringLiteral("dpo"), QStringLiteral("--model"), m_big, QStringLiteral("--pairs"), m_pairs,
                               QStringLiteral("--out"), m_dir.filePath(QStringLiteral("out2")),
                               QStringLiteral("--ignore-memory-plan")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("fits: no"), r.err.constData());
        QVERIFY2(r.err.contains("model.safetensors"), r.err.constData()); // it went on to load the weights
    }

    void aRunThatFitsPrintsItsPlanAndTrains()
    {
        const auto model = QString::fromStdString(rlrf::test::convertStories260K(m_dir.filePath(QStringLiteral("small"))));
        const auto pairs = m_dir.filePath(QStringLiteral("small-pairs.jsonl"));
        writeFile(pairs, "{\"prompt_ids\": [1, 403], \"chosen_ids\": [281, 266, 2], \"rejected_ids\": [307, 42, 2]}\n");
        const auto r = runCli({QStringLiteral("dpo"), QStringLiteral("--model"), model, QStringLiteral("--pairs"), pairs,
                               QStringLiteral("--out"), m_dir.filePath(QStringLiteral("small-out")),
                               QStringLiteral("--lora-r"), QStringLiteral("4")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains("memory plan: dpo, LoRA r=4"), r.err.constData());
        QVERIFY2(r.err.contains("fits: yes"), r.err.constData());
        const auto data = m_dir.filePath(QStringLiteral("sft.jsonl"));
        writeFile(data, "{\"prompt\": \"Lily liked to\", \"completion\": \" play.\"}\n");
        const auto s = runCli({QStringLiteral("sft"), QStringLiteral("--model"), model, QStringLiteral("--data"), data,
                               QStringLiteral("--out"), m_dir.filePath(QStringLiteral("sft-out")),
                               QStringLiteral("--max-steps"), QStringLiteral("1"), QStringLiteral("--gradient-checkpointing")});
        QVERIFY2(s.exitCode == 0, s.err.constData());
        QVERIFY2(s.err.contains("memory plan: sft"), s.err.constData());
        QVERIFY2(s.err.contains(", gradient checkpointing") && !s.err.contains("no gradient checkpointing"), s.err.constData());
    }

    // Reflect-Retry-Reward plans its GRPO updates the same way, before loading.
    void anRrrRunThatCannotFitIsRefused()
    {
        const auto small = QString::fromStdString(rlrf::test::convertStories260K(m_dir.filePath(QStringLiteral("rrr-small"))));
        const auto project = m_dir.filePath(QStringLiteral("rrr.rlrf"));
        auto r = runCli({QStringLiteral("project"), QStringLiteral("new"), project, QStringLiteral("--model"), small,
                         QStringLiteral("--task"), QStringLiteral("arith"), QStringLiteral("--rubric"),
                         rlrf::test::rubricPath(QStringLiteral("default.json"))});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runCli({QStringLiteral("rrr"), project, QStringLiteral("--task"), QStringLiteral("arith"),
                    QStringLiteral("--model"), m_big});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("not enough memory for this grpo run"), r.err.constData());
        QVERIFY2(r.err.contains("--lora-r 16"), r.err.constData());
        QVERIFY2(!r.err.contains("model.safetensors"), r.err.constData());
    }

private:
    QTemporaryDir m_dir;
    QString m_big, m_pairs;
};

QTEST_GUILESS_MAIN(TestCliMemoryCheck)
#include "tst_cli_memory_check.moc"
