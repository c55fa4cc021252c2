// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf model plan` run as users run it: the plan on stdout, exit 0 when the run
// fits and 3 when it does not (with the refusal and the flags that would fit on
// stderr), 2 for a usage mistake, 1 for a bad config.json. Configs come from
// tests/fixtures/model_configs (published Hugging Face configs, see its README);
// --memory makes the answers independent of this machine.
#include "common/cli_runner.h"
#include "common/test_paths.h"

#include <QtTest/QtTest>

using rlrf::test::runCli;

namespace {

QString fixture(const char *name)
{
    return rlrf::test::sourceDir() + QStringLiteral("/tests/fixtures/model_configs/") + QString::fromUtf8(name);
}

QStringList plan(const QStringList &more)
{
    return QStringList{QStringLiteral("model"), QStringLiteral("plan")} + more;
}

} // namespace

class TestCliModelPlan : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void loraOnTheSmallModelFits()
    {
        const auto r = runCli(plan({QStringLiteral("--model"), fixture("qwen2.5-0.5b.json"), QStringLiteral("--kind"),
                                    QStringLiteral("dpo"), QStringLiteral("--lora-r"), QStringLiteral("16"),
                                    QStringLiteral("--batch-size"), QStringLiteral("8"), QStringLiteral("--max-length"),
                                    QStringLiteral("128"), QStringLiteral("--memory"), QStringLiteral("24")}));
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("memory plan: dpo, LoRA r=16 on 7 linear layers"), r.out.constData());
        QVERIFY2(r.out.contains("parameters 494032768, trainable 8798208"), r.out.constData());
        QVERIFY2(r.out.contains("available (--memory)"), r.out.constData());
        QVERIFY2(r.out.contains("fits: yes"), r.out.constData());
        QVERIFY(r.err.isEmpty());
    }

    void fullEightBillionIsRefused()
    {
        const auto r = runCli(plan({QStringLiteral("--model"), fixture("llama-3.1-8b.json"), QStringLiteral("--memory"),
                                    QStringLiteral("24")}));
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.out.contains("fits: no"), r.out.constData());
        QVERIFY2(r.out.contains("--lora-r 16"), r.out.constData());
        QVERIFY2(r.err.contains("rlrf model plan: not enough memory for this sft run"), r.err.constData());
        QVERIFY2(r.err.contains("settings that would fit: --lora-r 16"), r.err.constData());
    }

    void memoryAvailableIsReadWhenNotGiven()
    {
        const auto r = runCli(plan({QStringLiteral("--model"), fixture("smollm2-135m.json")}));
        QVERIFY2(r.exitCode == 0 || r.exitCode == 3, r.err.constData());
        QVERIFY2(r.out.contains("available (MemAvailable)"), r.out.constData());
    }

    void usageMistakesExit2_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const auto model = fixture("qwen2.5-0.5b.json");
        const auto m = QStringLiteral("--model");
        QTest::newRow("no model") << QStringList{QStringLiteral("--memory"), QStringLiteral("8")}
                                  << QStringLiteral("missing required option --model");
        QTest::newRow("kind") << QStringList{m, model, QStringLiteral("--kind"), QStringLiteral("ppo")}
                              << QStringLiteral("--kind must be sft, dpo or grpo, got 'ppo'");
        QTest::newRow("dtype") << QStringList{m, model, QStringLiteral("--dtype"), QStringLiteral("float16")}
                               << QStringLiteral("--dtype must be float32 or bfloat16, got 'float16'");
        QTest::newRow("batch") << QStringList{m, model, QStringLiteral("--batch-size"), QStringLiteral("0")}
                               << QStringLiteral("--batch-size must be between 1 and 65536, got 0");
        QTest::newRow("rank") << QStringList{m, model, QStringLiteral("--lora-r"), QStringLiteral("-4")}
                              << QStringLiteral("--lora-r must be between 0 and 1048576, got -4");
        QTest::newRow("length") << QStringList{m, model, QStringLiteral("--max-length"), QStringLiteral("99999999")}
                                << QStringLiteral("--max-length must be between 1 and 16777216, got 99999999");
        QTest::newRow("target") << QStringList{m, model, QStringLiteral("--lora-r"), QStringLiteral("8"),
                                               QStringLiteral("--lora-targets"), QStringLiteral("q_proj,qkv_proj")}
                                << QStringLiteral("unknown LoRA target 'qkv_proj'");
        QTest::newRow("targets without rank") << QStringList{m, model, QStringLiteral("--lora-targets"), QStringLiteral("all")}
                                              << QStringLiteral("--lora-targets needs --lora-r N");
        QTest::newRow("cuda without memory") << QStringList{m, model, QStringLiteral("--device"), QStringLiteral("cuda")}
                                             << QStringLiteral("--device cuda needs --memory GIB");
        QTest::newRow("memory") << QStringList{m, model, QStringLiteral("--memory"), QStringLiteral("-1")}
                                << QStringLiteral("--memory must be a number of GiB above 0, got '-1'");
    }

    void usageMistakesExit2()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const auto r = runCli(plan(args));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
        QVERIFY2(r.err.contains("usage: rlrf model plan --model DIR"), r.err.constData());
        QVERIFY(r.out.isEmpty());
    }

    void folderWithoutConfigExits1()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto r = runCli(plan({QStringLiteral("--model"), dir.path(), QStringLiteral("--memory"), QStringLiteral("8")}));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("config.json"), r.err.constData());
        QVERIFY(r.out.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCliModelPlan)
#include "tst_cli_model_plan.moc"
