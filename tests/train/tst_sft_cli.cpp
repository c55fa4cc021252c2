// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf sft` end to end on stories260K: text data, metrics on stderr, the result
// line on stdout, a loadable final model; --resume continues from the checkpoint;
// bad data and bad flags give exit codes 1 and 2 with the file, line or flag named.
#include "common/cli_runner.h"
#include "common/stories_fixture.h"
#include "core/json_io.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>

using rlrf::test::runCli;
namespace fs = std::filesystem;

namespace {

nlohmann::json lastJsonLine(const QByteArray &out)
{
    const auto lines = out.trimmed().split('\n');
    return nlohmann::json::parse(lines.last().toStdString());
}

} // namespace

class TestSftCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_model = QString::fromStdString(rlrf::test::convertStories260K(m_dir.filePath(QStringLiteral("model"))));
        m_data = write("train.jsonl", "{\"prompt\": \"Lily liked to\", \"completion\": \" play with her ball.\"}\n"
                                      "{\"prompt\": \"Tom saw a\", \"completion\": \" big dog.\"}\n"
                                      "{\"prompt_ids\": [1, 403, 261], \"completion_ids\": [395, 2]}\n");
    }

    void trainsAndReportsMetrics()
    {
        const QString out = m_dir.filePath(QStringLiteral("run"));
        const auto r = runCli({QStringLiteral("sft"), QStringLiteral("--model"), m_model, QStringLiteral("--data"), m_data,
                               QStringLiteral("--out"), out, QStringLiteral("--max-steps"), QStringLiteral("6"),
                               QStringLiteral("--batch-size"), QStringLiteral("2"), QStringLiteral("--lr"),
                               QStringLiteral("5e-3"), QStringLiteral("--validation"), m_data});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto result = lastJsonLine(r.out);
        QCOMPARE(result.at("outcome").get<std::string>(), std::string("succeeded"));
        QCOMPARE(result.at("steps").get<int>(), 6);
        QVERIFY(result.at("final_loss").get<double>() > 0.0);
        QVERIFY(result.at("final_eval_loss").get<double>() > 0.0);
        std::set<std::string> keys;
        std::set<int> lossSteps;
        for (const auto &line : r.err.split('\n')) {
            if (!line.startsWith('{'))
                continue;
            const auto metric = nlohmann::json::parse(line.toStdString());
            keys.insert(metric.at("metric").get<std::string>());
            if (metric.at("metric") == "sft/loss")
                lossSteps.insert(metric.at("step").get<int>());
        }
        QCOMPARE(keys, (std::set<std::string>{"sft/loss", "sft/grad_norm", "sft/learning_rate",
                                              "sft/tokens_per_second", "sft/eval_loss"}));
        QCOMPARE(lossSteps, (std::set<int>{1, 2, 3, 4, 5, 6}));
        const auto model = result.at("model").get<std::string>();
        QVERIFY(fs::exists(fs::path(model) / "model.safetensors"));
        // The trained folder works with the other commands.
        const auto info = runCli({QStringLiteral("info"), QStringLiteral("--model"), QString::fromStdString(model)});
        QVERIFY2(info.exitCode == 0, info.err.constData());

        const auto resumed = runCli({QStringLiteral("sft"), QStringLiteral("--model"), m_model, QStringLiteral("--data"),
                                     m_data, QStringLiteral("--out"), out, QStringLiteral("--max-steps"),
                                     QStringLiteral("9"), QStringLiteral("--batch-size"), QStringLiteral("2"),
                                     QStringLiteral("--lr"), QStringLiteral("5e-3"), QStringLiteral("--resume")});
        QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
        QCOMPARE(lastJsonLine(resumed.out).at("steps").get<int>(), 9);
        QVERIFY(!resumed.err.contains("\"step\":1,"));
        QVERIFY(resumed.err.contains("\"step\":7,"));
    }

    void badDataNamesFileAndLine()
    {
        const auto bad = write("bad.jsonl", "{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"prompt\": \"a\"}\n");
        const auto r = runCli({QStringLiteral("sft"), QStringLiteral("--model"), m_model, QStringLiteral("--data"), bad,
                               QStringLiteral("--out"), m_dir.filePath(QStringLiteral("bad"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("bad.jsonl:2: 'completion': missing field"), r.err.constData());
    }

    void badFlagsAreUsageErrors()
    {
        const auto r = runCli({QStringLiteral("sft"), QStringLiteral("--model"), m_model, QStringLiteral("--data"), m_data,
                               QStringLiteral("--out"), m_dir.filePath(QStringLiteral("x")), QStringLiteral("--lr"),
                               QStringLiteral("-1")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("learning_rate"), r.err.constData());
        const auto missing = runCli({QStringLiteral("sft"), QStringLiteral("--model"), m_model});
        QCOMPARE(missing.exitCode, 2);
    }

private:
    QString write(const char *name, const std::string &text)
    {
        const QString path = m_dir.filePath(QString::fromLatin1(name));
        std::ofstream(path.toStdString()) << text;
        return path;
    }

    QTemporaryDir m_dir;
    QString m_model;
    QString m_data;
};

QTEST_GUILESS_MAIN(TestSftCli)
#include "tst_sft_cli.moc"
