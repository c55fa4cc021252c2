// SPDX-License-Identifier: GPL-3.0-or-later
// Bad tokenizer files and bad calls: each kind gives an rlrf::Error whose message
// names the file, the line or the JSON field, and the cause. Also the BPE merge
// order on a tiny vocabulary written here, with the results derived by hand.
#include "core/error.h"
#include "model/tokenizer.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

using rlrf::model::Tokenizer;

namespace {

// JSON written with single quotes, for readability in C++ strings.
std::string q(std::string json)
{
    for (char &c : json)
        if (c == '\'') c = '"';
    return json;
}

// A minimal valid byte-level tokenizer.json; `model` replaces the model section.
std::string tokenizerJson(const std::string &model, const std::string &preTokenizer = "null",
                          const std::string &normalizer = "null", const std::string &decoder = "null")
{
    return "{\n  \"version\": \"1.0\",\n  \"added_tokens\": [],\n  \"normalizer\": " + normalizer
           + ",\n  \"pre_tokenizer\": " + preTokenizer + ",\n  \"post_processor\": null,\n  \"decoder\": " + decoder
           + ",\n  \"model\": " + model + "\n}\n";
}

const std::string kAbcModel = q("{'type': 'BPE', 'vocab': {'a': 0, 'b': 1, 'c': 2, 'ab': 3, 'bc': 4, 'abc': 5}, 'merges': ['b c', 'a b', 'a bc']}");

} // namespace

class TestTokenizerErrors : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void badFiles_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("malformed JSON names the line")
            << QStringLiteral("{\n  \"model\": {\n    \"type\": \"BPE\",\n    \"vocab\": {\"a\": 0}\n    \"merges\": []\n  }\n}\n")
            << QStringLiteral("tokenizer.json:5: invalid JSON");
        QTest::newRow("unsupported model type")
            << QString::fromStdString(tokenizerJson(q("{'type': 'Unigram', 'vocab': [['a', 0.0]]}")))
            << QStringLiteral("tokenizer.json: 'model.type': unsupported model type 'Unigram'");
        QTest::newRow("missing vocab")
            << QString::fromStdString(tokenizerJson(q("{'type': 'BPE', 'merges': []}")))
            << QStringLiteral("tokenizer.json: 'model.vocab': missing vocabulary");
        QTest::newRow("merge naming an unknown token")
            << QString::fromStdString(tokenizerJson(q("{'type': 'BPE', 'vocab': {'a': 0, 'b': 1, 'ab': 2}, 'merges': ['a b', 'a z']}")))
            << QStringLiteral("tokenizer.json: 'model.merges[1]': merge names token 'z' that is not in the vocabulary");
        QTest::newRow("merge whose result is unknown")
            << QString::fromStdString(tokenizerJson(q("{'type': 'BPE', 'vocab': {'a': 0, 'b': 1}, 'merges': [['a', 'b']]}")))
            << QStringLiteral("tokenizer.json: 'model.merges[0]': merge names token 'ab' that is not in the vocabulary");
        QTest::newRow("merge without a space")
            << QString::fromStdString(tokenizerJson(q("{'type': 'BPE', 'vocab': {'a': 0}, 'merges': ['ab']}")))
            << QStringLiteral("'model.merges[0]': a merge must be two tokens separated by a space");
        QTest::newRow("unsupported pre_tokenizer")
            << QString::fromStdString(tokenizerJson(kAbcModel, q("{'type': 'Whitespace'}")))
            << QStringLiteral("tokenizer.json: 'pre_tokenizer': unsupported pre_tokenizer type 'Whitespace'");
        QTest::newRow("unsupported pre_tokenizer inside a Sequence")
            << QString::fromStdString(tokenizerJson(kAbcModel, q("{'type': 'Sequence', 'pretokenizers': [{'type': 'ByteLevel'}, {'type': 'Punctuation'}]}")))
            << QStringLiteral("'pre_tokenizer.pretokenizers[1]': unsupported pre_tokenizer type 'Punctuation'");
        QTest::newRow("unsupported normalizer")
            << QString::fromStdString(tokenizerJson(kAbcModel, "null", q("{'type': 'NFKC'}")))
            << QStringLiteral("tokenizer.json: 'normalizer': unsupported normalizer type 'NFKC'");
        QTest::newRow("unsupported decoder")
            << QString::fromStdString(tokenizerJson(kAbcModel, "null", "null", q("{'type': 'WordPiece'}")))
            << QStringLiteral("tokenizer.json: 'decoder': unsupported decoder type 'WordPiece'");
        QTest::newRow("regex that does not compile")
            << QString::fromStdString(tokenizerJson(kAbcModel, q("{'type': 'Split', 'pattern': {'Regex': '(a|b'}, 'behavior': 'Isolated', 'invert': false}")))
            << QStringLiteral("'pre_tokenizer.pattern': cannot compile the pattern '(a|b'");
        QTest::newRow("unknown unk_token")
            << QString::fromStdString(tokenizerJson(q("{'type': 'BPE', 'vocab': {'a': 0}, 'merges': [], 'unk_token': '<unk>'}")))
            << QStringLiteral("'model.unk_token': unk_token '<unk>' is not in the vocabulary");
    }

    void badFiles()
    {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        const std::string path = write(QStringLiteral("tokenizer.json"), json.toUtf8());
        try {
            Tokenizer::fromFiles(path);
            QFAIL("loading must throw");
        } catch (const rlrf::Error &e) {
            QVERIFY2(QString::fromStdString(e.what()).contains(expected), e.what());
            QVERIFY2(QString::fromStdString(e.what()).startsWith(QString::fromStdString(path)), e.what());
        }
    }

    void missingFileNamesThePath()
    {
        const std::string path = m_tmp.filePath(QStringLiteral("absent/tokenizer.json")).toStdString();
        try {
            Tokenizer::fromFiles(path);
            QFAIL("loading must throw");
        } catch (const rlrf::Error &e) {
            QCOMPARE(e.source().file, path);
        }
    }

    void malformedConfigNamesTheConfig()
    {
        const std::string json = write(QStringLiteral("ok.json"), QByteArray::fromStdString(tokenizerJson(kAbcModel)));
        const std::string config = write(QStringLiteral("tokenizer_config.json"), "{\n \"bos_token\": \"a\",\n}\n");
        try {
            Tokenizer::fromFiles(json, config);
            QFAIL("loading must throw");
        } catch (const rlrf::Error &e) {
            QCOMPARE(e.source().file, config);
            QCOMPARE(e.source().line, 3L);
        }
    }

    // Lowest rank first: "b c" (rank 0) before "a b" (rank 1), then "a bc" (rank 2).
    void mergesFollowRank()
    {
        const Tokenizer tok = Tokenizer::fromFiles(write(QStringLiteral("abc.json"), QByteArray::fromStdString(tokenizerJson(kAbcModel))));
        QCOMPARE(tok.encode("abc"), (std::vector<std::int32_t>{5}));
        QCOMPARE(tok.encode("abab"), (std::vector<std::int32_t>{3, 3}));
        QCOMPARE(tok.encode("abcbc"), (std::vector<std::int32_t>{5, 4}));
        // Without "b c", "a b" wins and "ab c" is no merge: [ab, c].
        const std::string listForm =
            q("{'type': 'BPE', 'vocab': {'a': 0, 'b': 1, 'c': 2, 'ab': 3, 'bc': 4}, 'merges': [['a', 'b'], ['b', 'c']]}");
        const Tokenizer tok2 = Tokenizer::fromFiles(write(QStringLiteral("ab.json"), QByteArray::fromStdString(tokenizerJson(listForm))));
        QCOMPARE(tok2.encode("abc"), (std::vector<std::int32_t>{3, 2}));
        QCOMPARE(tok2.encode("bcab"), (std::vector<std::int32_t>{4, 3}));
    }

    void badCallsThrow()
    {
        const Tokenizer tok = Tokenizer::fromFiles(write(QStringLiteral("abc2.json"), QByteArray::fromStdString(tokenizerJson(kAbcModel))));
        try {
            tok.decode({0, 6});
            QFAIL("decoding an unknown id must throw");
        } catch (const rlrf::Error &e) {
            QVERIFY2(std::string(e.what()).find("token id 6 is not in the vocabulary (size 6)") != std::string::npos, e.what());
        }
        try {
            tok.encode(std::string("a\xC3(b"));
            QFAIL("encoding invalid UTF-8 must throw");
        } catch (const rlrf::Error &e) {
            QVERIFY2(std::string(e.what()).find("not valid UTF-8") != std::string::npos, e.what());
        }
    }

private:
    std::string write(const QString &name, const QByteArray &data)
    {
        const QString path = m_tmp.filePath(name);
        QFile f(path);
        if (f.open(QIODevice::WriteOnly)) f.write(data);
        return path.toStdString();
    }

    QTemporaryDir m_tmp;
};

QTEST_GUILESS_MAIN(TestTokenizerErrors)
#include "tst_tokenizer_errors.moc"
