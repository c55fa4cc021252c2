// `rlrf info`, `rlrf generate` and `rlrf score` on a real pretrained model:
// stories260K (llama2.c's tinyllamas) converted by `rlrf convert`. Greedy generation
// from BOS must reproduce llama2.c's own 200 ids and text exactly.
#include "common/cli_runner.h"
#include "common/stories_fixture.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <fstream>

using rlrf::test::runCli;

namespace {

QString reference(const QString &name)
{
    return QString::fromStdString(rlrf::test::stories260KFile(name));
}

std::vector<long> expectedIds()
{
    std::ifstream in(reference(QStringLiteral("expected_greedy_n200_ids.txt")).toStdString());
    std::vector<long> ids;
    for (long id; in >> id;)
        ids.push_back(id);
    return ids;
}

std::vector<nlohmann::json> jsonLines(const QByteArray &out)
{
    std::vector<nlohmann::json> lines;
    for (const QByteArray &line : out.split('\n'))
        if (!line.trimmed().isEmpty())
            lines.push_back(nlohmann::json::parse(line.toStdString()));
    return lines;
}

} // namespace

class TestCliModelCommands : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_model = m_dir.filePath(QStringLiteral("stories260K"));
        const auto r = runCli({QStringLiteral("convert"), QStringLiteral("--from"), QStringLiteral("llama2c"),
                               QStringLiteral("--checkpoint"), reference(QStringLiteral("stories260K.bin")),
                               QStringLiteral("--tokenizer"), reference(QStringLiteral("tok512.bin")),
                               QStringLiteral("--out"), m_model});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void infoDescribesTheFolder()
    {
        const auto r = runCli({QStringLiteral("info"), QStringLiteral("--model"), m_model, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto info = nlohmann::json::parse(r.out.toStdString());
        // 512x64 embedding (tied) + 5 layers + final norm: the README's "about 260K".
        QCOMPARE(info["parameters"].get<long>(), 260032L);
        QCOMPARE(info["layers"].get<int>(), 5);
        QCOMPARE(info["key_value_heads"].get<int>(), 4);
        QCOMPARE(info["tokenizer_vocab"].get<int>(), 512);
        QCOMPARE(info["chat_template"].get<bool>(), false);
        const auto human = runCli({QStringLiteral("info"), QStringLiteral("--model"), m_model});
        QVERIFY(human.out.contains("architecture:             LlamaForCausalLM"));
    }

    void greedyGenerationReproducesLlama2c()
    {
        const auto r = runCli({QStringLiteral("generate"), QStringLiteral("--model"), m_model, QStringLiteral("--prompt"),
                               QString(), QStringLiteral("--max-new-tokens"), QStringLiteral("200"),
                               QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto last = jsonLines(r.out).back();
        const auto expected = expectedIds();
        QCOMPARE(expected.front(), 1L); // BOS
        QCOMPARE(last["ids"].get<std::vector<long>>(), std::vector<long>(expected.begin() + 1, expected.end()));
        QFile text(reference(QStringLiteral("expected_greedy_n200.txt")));
        QVERIFY(text.open(QIODevice::ReadOnly));
        QCOMPARE(QByteArray::fromStdString(last["text"].get<std::string>()), text.readAll());
    }

    void samplingIsSeededAndSharesThePrompt()
    {
        auto sample = [this](const QString &seed) {
            return runCli({QStringLiteral("generate"), QStringLiteral("--model"), m_model, QStringLiteral("--prompt"),
                           QStringLiteral("Once upon a time"), QStringLiteral("--n"), QStringLiteral("3"),
                           QStringLiteral("--temperature"), QStringLiteral("0.9"), QStringLiteral("--top-p"),
                           QStringLiteral("0.95"), QStringLiteral("--max-new-tokens"), QStringLiteral("24"),
                           QStringLiteral("--seed"), seed, QStringLiteral("--json")});
        };
        const auto a = sample(QStringLiteral("7"));
        const auto b = sample(QStringLiteral("7"));
        const auto c = sample(QStringLiteral("8"));
        QVERIFY2(a.exitCode == 0, a.err.constData());
        QCOMPARE(jsonLines(a.out).size(), size_t(3));
        QCOMPARE(a.out, b.out);
        QVERIFY(a.out != c.out);
        const auto samples = jsonLines(a.out);
        QVERIFY(samples[0]["ids"] != samples[1]["ids"] || samples[1]["ids"] != samples[2]["ids"]);
    }

    void scoreGivesPerTokenLogProbs()
    {
        const auto ids = expectedIds();
        nlohmann::json byIds{{"prompt_ids", {1}}, {"completion_ids", std::vector<long>(ids.begin() + 1, ids.begin() + 21)}};
        nlohmann::json byText{{"prompt", ""}, {"completion", "Once upon a time, there was a little girl"}};
        const QByteArray input = QByteArray::fromStdString(byIds.dump() + "\n" + byText.dump() + "\n");
        const auto r = runCli({QStringLiteral("score"), QStringLiteral("--model"), m_model, QStringLiteral("--input"),
                               QStringLiteral("-")},
                              input);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto lines = jsonLines(r.out);
        QCOMPARE(lines.size(), size_t(2));
        const auto lp = lines[0]["token_logprobs"].get<std::vector<double>>();
        QCOMPARE(lp.size(), size_t(20));
        double sum = 0;
        for (double v : lp) {
            QVERIFY(v <= 0.0);
            sum += v;
        }
        QVERIFY(std::abs(sum - lines[0]["logprob"].get<double>()) < 1e-4);
        // The text form encodes the empty prompt as BOS: its first tokens are the
        // greedy path, so their log-probs equal the id form's.
        const auto textLp = lines[1]["token_logprobs"].get<std::vector<double>>();
        QVERIFY(textLp.size() >= 5);
        for (size_t i = 0; i < 5; ++i)
            QVERIFY(std::abs(textLp[i] - lp[i]) < 1e-5);
    }

    void badInputIsNamed_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("malformed line") << QByteArray("{\"prompt_ids\": [1], \"completion_ids\": [5]}\n{oops\n")
                                        << QByteArray("<stdin>:2: invalid JSON");
        QTest::newRow("id out of vocabulary") << QByteArray("{\"prompt_ids\": [1], \"completion_ids\": [9999]}\n")
                                              << QByteArray("outside the vocabulary");
        QTest::newRow("neither form") << QByteArray("{\"text\": \"hi\"}\n") << QByteArray("<stdin>:1: expected");
        QTest::newRow("empty prompt ids") << QByteArray("{\"prompt_ids\": [], \"completion_ids\": [5]}\n")
                                          << QByteArray("prompt is empty");
    }

    void badInputIsNamed()
    {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, message);
        const auto r = runCli({QStringLiteral("score"), QStringLiteral("--model"), m_model, QStringLiteral("--input"),
                               QStringLiteral("-")},
                              input);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(message), r.err.constData());
    }

    void chatNeedsATemplate()
    {
        const auto r = runCli({QStringLiteral("generate"), QStringLiteral("--model"), m_model, QStringLiteral("--prompt"),
                               QStringLiteral("hi"), QStringLiteral("--chat")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no chat template"), r.err.constData());
    }

    // No samples or no new tokens is a usage error, found before the model is
    // read: the same exit 2 with a real model and with a folder that is not there.
    void zeroSamplesIsAUsageError_data()
    {
        QTest::addColumn<QString>("option");
        QTest::newRow("--n 0") << QStringLiteral("--n");
        QTest::newRow("--max-new-tokens 0") << QStringLiteral("--max-new-tokens");
    }

    void zeroSamplesIsAUsageError()
    {
        QFETCH(QString, option);
        for (const QString &model : {m_model, m_dir.filePath(QStringLiteral("nope"))}) {
            const auto r = runCli({QStringLiteral("generate"), QStringLiteral("--model"), model, QStringLiteral("--prompt"),
                                   QString(), option, QStringLiteral("0")});
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.startsWith("rlrf generate: --n and --max-new-tokens must be at least 1\nusage: rlrf generate"),
                     r.err.constData());
            QVERIFY(r.out.isEmpty());
        }
    }

    void missingFolderIsNamed()
    {
        const auto r = runCli({QStringLiteral("info"), QStringLiteral("--model"), m_dir.filePath(QStringLiteral("nope"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("nope"), r.err.constData());
    }

private:
    QTemporaryDir m_dir;
    QString m_model;
};

QTEST_GUILESS_MAIN(TestCliModelCommands)
#include "tst_cli_model_commands.moc"
