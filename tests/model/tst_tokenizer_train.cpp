// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf train-tokenizer` through the built binary. A tokenizer trained on GSM8K
// (shared/data/gsm8k/train.jsonl, question + answer per document) must load in
// @huggingface/tokenizers (npm) and agree with it exactly on the tokenizer test
// corpus and on GSM8K test questions, and must round-trip. A three-word corpus
// checks the learned merges against a hand derivation; bad input gives exit 1
// and a message naming the line.
#include "common/cli_runner.h"
#include "core/error.h"
#include "model/bpe_trainer.h"
#include "model/tokenizer.h"
#include "common/tokenizer_fixtures.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using rlrf::model::Tokenizer;
using rlrf::test::runCli;

class TestTokenizerTrain : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        const QString train = rlrf::test::sharedData(QStringLiteral("gsm8k/train.jsonl"));
        const QString test = rlrf::test::sharedData(QStringLiteral("gsm8k/test.jsonl"));
        QVERIFY2(!train.isEmpty() && !test.isEmpty(), qPrintable(QStringLiteral("missing GSM8K under ") + rlrf::test::sharedDataDir()));
        m_trainInput = m_tmp.filePath(QStringLiteral("train.jsonl"));
        writeDocuments(train, m_trainInput, 100000, true);
        m_testCorpus = m_tmp.filePath(QStringLiteral("test_questions.jsonl"));
        writeDocuments(test, m_testCorpus, 200, false);
    }

    void trainsRequestedVocabulary()
    {
        m_outDir = m_tmp.filePath(QStringLiteral("trained"));
        const auto r = runCli({QStringLiteral("train-tokenizer"), QStringLiteral("--input"), m_trainInput,
                               QStringLiteral("--vocab-size"), QStringLiteral("2000"), QStringLiteral("--out"), m_outDir});
        QVERIFY(r.finished);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto summary = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(summary["vocab_size"].get<int>(), 2000);
        QCOMPARE(summary["merges"].get<int>(), 2000 - 257);
        const Tokenizer tok = Tokenizer::fromModelDir(m_outDir.toStdString());
        QCOMPARE(tok.vocabSize(), std::size_t(2000));
        QCOMPARE(tok.eosId(), std::optional<std::int32_t>(0));
        QCOMPARE(tok.tokenToId("<|endoftext|>"), std::optional<std::int32_t>(0));
    }

    void agreesWithReference_data()
    {
        QTest::addColumn<QString>("corpus");
        QTest::newRow("tokenizer corpus") << rlrf::test::sourceDir() + QStringLiteral("/tests/fixtures/tokenizer_corpus.jsonl");
        QTest::newRow("GSM8K test questions") << m_testCorpus;
    }

    void agreesWithReference()
    {
        QFETCH(QString, corpus);
        QVERIFY2(!m_outDir.isEmpty(), "trainsRequestedVocabulary must run first");
        const auto run = rlrf::test::runReferenceTokenizer(m_outDir + QStringLiteral("/tokenizer.json"),
                                                           m_outDir + QStringLiteral("/tokenizer_config.json"), corpus);
        QVERIFY2(run.error.isEmpty(), qPrintable(run.error));
        const auto &refLines = run.lines;

        const Tokenizer tok = Tokenizer::fromModelDir(m_outDir.toStdString());
        std::ifstream in(corpus.toStdString());
        std::string line;
        int row = 0;
        std::size_t bytes = 0, tokens = 0;
        while (std::getline(in, line)) {
            if (line.empty()) continue;
            QVERIFY(std::size_t(row) < refLines.size());
            const std::string text = nlohmann::json::parse(line)["text"].get<std::string>();
            const auto &ref = refLines[std::size_t(row++)];
            const auto ids = tok.encode(text);
            QCOMPARE(rlrf::test::idsToString(ids), QString::fromStdString(ref["ids"].dump()));
            QCOMPARE(QString::fromStdString(tok.decode(ids)), QString::fromStdString(ref["decoded"].get<std::string>()));
            QCOMPARE(QString::fromStdString(tok.decode(ids)), QString::fromStdString(text));
            bytes += text.size();
            tokens += ids.size();
        }
        QCOMPARE(std::size_t(row), refLines.size());
        qInfo("%zu bytes -> %zu tokens", bytes, tokens);
    }

    // With --split-digits every digit is its own token, and the reference library
    // reads the Split + ByteLevel pre-tokenizer written for it the same way.
    void splitDigitsAgreesWithReference()
    {
        const QString out = m_tmp.filePath(QStringLiteral("digits"));
        const auto r = runCli({QStringLiteral("train-tokenizer"), QStringLiteral("--input"), m_trainInput,
                               QStringLiteral("--vocab-size"), QStringLiteral("1000"), QStringLiteral("--out"), out,
                               QStringLiteral("--split-digits")});
        QVERIFY(r.finished);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto run = rlrf::test::runReferenceTokenizer(out + QStringLiteral("/tokenizer.json"),
                                                           out + QStringLiteral("/tokenizer_config.json"), m_testCorpus);
        QVERIFY2(run.error.isEmpty(), qPrintable(run.error));
        const Tokenizer tok = Tokenizer::fromModelDir(out.toStdString());
        std::ifstream in(m_testCorpus.toStdString());
        std::string line;
        std::size_t row = 0;
        while (std::getline(in, line)) {
            if (line.empty()) continue;
            QVERIFY(row < run.lines.size());
            const std::string text = nlohmann::json::parse(line)["text"].get<std::string>();
            const auto ids = tok.encode(text);
            QCOMPARE(rlrf::test::idsToString(ids), QString::fromStdString(run.lines[row++]["ids"].dump()));
            QCOMPARE(QString::fromStdString(tok.decode(ids)), QString::fromStdString(text));
        }
        QCOMPARE(row, run.lines.size());
        const auto ids = tok.encode("He paid 1234 dollars.");
        int digitTokens = 0;
        for (const auto id : ids) {
            const std::string piece = tok.decode({id});
            QVERIFY2(piece.find_first_of("0123456789") == std::string::npos || piece.size() == 1, piece.c_str());
            digitTokens += piece.find_first_of("0123456789") != std::string::npos ? 1 : 0;
        }
        QCOMPARE(digitTokens, 4);
    }

    // "ab ab ab abc" pre-tokenizes to ab x1, Ġab x2, Ġabc x1. Pair counts: (a,b) 4,
    // (Ġ,a) 3, (b,c) 1 -> merge a+b. Then (Ġ,ab) 3, (ab,c) 1 -> merge Ġ+ab. Then
    // only (Ġab,c) 1 is left, below --min-frequency 2: training stops at 259 tokens.
    void learnsHandDerivedMerges()
    {
        const QString input = write(QStringLiteral("tiny.jsonl"), "{\"text\": \"ab ab ab abc\"}\n");
        const QString out = m_tmp.filePath(QStringLiteral("tiny"));
        const auto r = runCli({QStringLiteral("train-tokenizer"), QStringLiteral("--input"), input,
                               QStringLiteral("--vocab-size"), QStringLiteral("300"), QStringLiteral("--out"), out});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto json = rlrf::test::readJsonFile(out + QStringLiteral("/tokenizer.json"));
        QCOMPARE(QString::fromStdString(json["model"]["merges"].dump()),
                 QStringLiteral("[[\"a\",\"b\"],[\"\u0120\",\"ab\"]]"));
        const Tokenizer tok = Tokenizer::fromModelDir(out.toStdString());
        QCOMPARE(tok.vocabSize(), std::size_t(259));
        QCOMPARE(tok.encode(" ab"), (std::vector<std::int32_t>{258}));
    }

    void badInputFails()
    {
        const QString out = m_tmp.filePath(QStringLiteral("bad"));
        auto r = runCli({QStringLiteral("train-tokenizer"), QStringLiteral("--input"), m_trainInput,
                         QStringLiteral("--vocab-size"), QStringLiteral("100"), QStringLiteral("--out"), out});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("must exceed 257"), r.err.constData());
        const QString input = write(QStringLiteral("notext.jsonl"), "{\"text\": \"a\"}\n\n{\"body\": \"b\"}\n");
        r = runCli({QStringLiteral("train-tokenizer"), QStringLiteral("--input"), input,
                    QStringLiteral("--vocab-size"), QStringLiteral("300"), QStringLiteral("--out"), out});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("notext.jsonl:3: 'text'"), r.err.constData());
        r = runCli({QStringLiteral("train-tokenizer"), QStringLiteral("--input"), input, QStringLiteral("--out"), out});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(!QFileInfo::exists(out)); // nothing written by any of these
    }

    // A plain-text corpus with a byte that is not UTF-8 (a Latin-1 'é') on line 2:
    // the file and line are named and no tokenizer is written.
    void invalidUtf8IsNamed()
    {
        const QString input = write(QStringLiteral("latin1.txt"), "first line\ncaf\xE9 au lait\nthird\n");
        const QString out = m_tmp.filePath(QStringLiteral("latin1"));
        const auto r = runCli({QStringLiteral("train-tokenizer"), QStringLiteral("--input"), input,
                               QStringLiteral("--vocab-size"), QStringLiteral("300"), QStringLiteral("--out"), out});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("latin1.txt:2: the line is not valid UTF-8 text"), r.err.constData());
        QVERIFY(!QFileInfo::exists(out));
        // Documents handed in directly (the GUI, the demo) are checked as well.
        try {
            rlrf::model::trainByteLevelBpe({"fine", "caf\xE9"}, {}, out.toStdString());
            QFAIL("a document that is not UTF-8 was trained on");
        } catch (const rlrf::Error &e) {
            QCOMPARE(std::string(e.what()), std::string("training document 2 of 2 is not valid UTF-8"));
        }
        QVERIFY(!QFileInfo::exists(out));
    }

private:
    // GSM8K records as {"text": ...} lines: question (+ answer).
    static void writeDocuments(const QString &from, const QString &to, int maxRecords, bool withAnswer)
    {
        std::ifstream in(from.toStdString());
        std::ofstream out(to.toStdString());
        std::string line;
        for (int n = 0; n < maxRecords && std::getline(in, line); ++n) {
            const auto r = nlohmann::json::parse(line);
            std::string text = r["question"].get<std::string>();
            if (withAnswer) text += "\n" + r["answer"].get<std::string>();
            out << nlohmann::json{{"text", text}}.dump() << "\n";
        }
    }

    QString write(const QString &name, const QByteArray &data)
    {
        const QString path = m_tmp.filePath(name);
        QFile f(path);
        if (f.open(QIODevice::WriteOnly)) f.write(data);
        return path;
    }

    QTemporaryDir m_tmp;
    QString m_trainInput;
    QString m_testCorpus;
    QString m_outDir;
};

QTEST_GUILESS_MAIN(TestTokenizerTrain)
#include "tst_tokenizer_train.moc"
