// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf tokenize` through the built binary: the output must be the ids that Python
// transformers produced for the GPT-2 reference inputs
// (shared/data/tokenizers/gpt2, see its README), one {"ids": [...]} line per input
// line; bad input lines give exit code 1 and a message naming the line.
#include "common/cli_runner.h"
#include "common/tokenizer_fixtures.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

using rlrf::test::runCli;

class TestTokenizerCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        const QString json = rlrf::test::sharedData(QStringLiteral("tokenizers/gpt2/tokenizer.json"));
        QVERIFY2(!json.isEmpty(), qPrintable(QStringLiteral("missing GPT-2 tokenizer under ") + rlrf::test::sharedDataDir()));
        m_modelDir = QFileInfo(json).path();
        QVERIFY(m_tmp.isValid());
    }

    void tokenizesReferenceInputs()
    {
        const auto inputs = rlrf::test::readJsonFile(rlrf::test::sharedData(QStringLiteral("tokenizers/gpt2/reference_inputs.json")));
        const auto refs = rlrf::test::readJsonFile(rlrf::test::sharedData(QStringLiteral("tokenizers/gpt2/reference_encodings.json")));
        QByteArray jsonl;
        std::vector<std::string> expected;
        for (const auto &input : inputs["inputs"]) {
            jsonl += QByteArray::fromStdString(nlohmann::json{{"text", input["text"]}}.dump()) + "\n";
            expected.push_back(nlohmann::json{{"ids", refs["entries"][input["id"].get<std::string>()]["input_ids"]}}.dump());
        }
        jsonl += "\n"; // a blank line is allowed and gives no output
        const QString path = write(QStringLiteral("inputs.jsonl"), jsonl);
        const auto r = runCli({QStringLiteral("tokenize"), QStringLiteral("--model"), m_modelDir,
                               QStringLiteral("--input"), path});
        QVERIFY(r.finished);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QCOMPARE(std::size_t(lines.size()), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i)
            QCOMPARE(lines[int(i)].toStdString(), expected[i]);
    }

    void readsStdin()
    {
        const auto r = runCli({QStringLiteral("tokenize"), QStringLiteral("--model"), m_modelDir,
                               QStringLiteral("--input"), QStringLiteral("-")},
                              "{\"text\": \"The quick brown fox jumps over the lazy dog.\"}\n");
        QCOMPARE(r.exitCode, 0);
        // ids from reference_encodings.json, entry ascii_simple
        QCOMPARE(r.out, QByteArray("{\"ids\":[464,2068,7586,21831,18045,625,262,16931,3290,13]}\n"));
    }

    void malformedLineNamesTheLine()
    {
        const QString path = write(QStringLiteral("bad.jsonl"), "{\"text\": \"a\"}\n{\"text\": \"b\"}\n{\"text\": oops}\n");
        const auto r = runCli({QStringLiteral("tokenize"), QStringLiteral("--model"), m_modelDir,
                               QStringLiteral("--input"), path});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("bad.jsonl:3: invalid JSON"), r.err.constData());
    }

    void recordWithoutTextNamesTheLine()
    {
        const QString path = write(QStringLiteral("notext.jsonl"), "{\"text\": \"a\"}\n{\"prompt\": \"b\"}\n");
        const auto r = runCli({QStringLiteral("tokenize"), QStringLiteral("--model"), m_modelDir,
                               QStringLiteral("--input"), path});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("notext.jsonl:2: 'text': expected an object with a \"text\" string"), r.err.constData());
    }

    void modelFolderWithoutTokenizerFails()
    {
        const auto r = runCli({QStringLiteral("tokenize"), QStringLiteral("--model"), m_tmp.path(),
                               QStringLiteral("--input"), QStringLiteral("-")}, "{\"text\": \"a\"}\n");
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no tokenizer.json in the model folder"), r.err.constData());
    }

    void missingOptionIsAUsageError()
    {
        const auto r = runCli({QStringLiteral("tokenize"), QStringLiteral("--input"), QStringLiteral("-")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--model"), r.err.constData());
    }

private:
    QString write(const QString &name, const QByteArray &data)
    {
        const QString path = m_tmp.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly)) return {};
        f.write(data);
        return path;
    }

    QTemporaryDir m_tmp;
    QString m_modelDir;
};

QTEST_GUILESS_MAIN(TestTokenizerCli)
#include "tst_tokenizer_cli.moc"
