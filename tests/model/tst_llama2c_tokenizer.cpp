// The tokenizer.json written for a llama2.c vocabulary (tok512.bin from
// shared/data/models/stories260K, Karpathy's tinyllamas; see its README) must
// tokenize like llama2.c itself. Two encoders are written here: llama2.c's
// encode() (run.c: dummy-prefix space, UTF-8 code points, byte fallback at id+3,
// then repeatedly merge the adjacent pair whose concatenation scores highest) over
// the .bin file, and Hugging Face's BPE (Metaspace, byte_fallback, lowest merge
// rank first) over the JSON. They must agree, and llama2.c's greedy story
// (expected_greedy_n200.txt) must encode to the ids llama2.c generated for it.
#include "common/test_paths.h"
#include "core/error.h"
#include "model/llama2c_reader.h"
#include "model/llama2c_tokenizer_json.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace rlrf::model;

namespace {

std::string fixture(const char *name)
{
    const QString path = rlrf::test::sharedData(QStringLiteral("models/stories260K/") + QLatin1String(name));
    if (path.isEmpty())
        qFatal("reference file models/stories260K/%s missing under %s", name, qPrintable(rlrf::test::sharedDataDir()));
    return path.toStdString();
}

std::vector<std::string> utf8Chars(const std::string &text)
{
    std::vector<std::string> chars;
    for (const char c : text) {
        if (!chars.empty() && (static_cast<unsigned char>(c) & 0xC0) == 0x80)
            chars.back() += c;
        else
            chars.emplace_back(1, c);
    }
    return chars;
}

// llama2.c run.c encode(), without BOS/EOS.
std::vector<std::int64_t> llama2cEncode(const Llama2cVocabulary &vocab, const std::string &text)
{
    std::map<std::string, std::int64_t> ids;
    for (size_t i = 0; i < vocab.pieces.size(); ++i)
        ids.emplace(vocab.pieces[i], std::int64_t(i));
    std::vector<std::int64_t> tokens;
    for (const auto &ch : utf8Chars(" " + text)) {
        const auto it = ids.find(ch);
        if (it != ids.end())
            tokens.push_back(it->second);
        else
            for (const unsigned char b : ch)
                tokens.push_back(std::int64_t(b) + 3);
    }
    for (;;) {
        float best = -1e10f;
        std::int64_t bestId = -1;
        size_t bestAt = 0;
        for (size_t i = 0; i + 1 < tokens.size(); ++i) {
            const auto it = ids.find(vocab.pieces[size_t(tokens[i])] + vocab.pieces[size_t(tokens[i + 1])]);
            if (it != ids.end() && vocab.scores[size_t(it->second)] > best) {
                best = vocab.scores[size_t(it->second)];
                bestId = it->second;
                bestAt = i;
            }
        }
        if (bestId < 0)
            return tokens;
        tokens[bestAt] = bestId;
        tokens.erase(tokens.begin() + std::ptrdiff_t(bestAt) + 1);
    }
}

// Hugging Face tokenizers' BPE model with the Metaspace pre-tokenizer (split off).
std::vector<std::int64_t> huggingFaceEncode(const nlohmann::json &tokenizer, const std::string &text)
{
    const auto &model = tokenizer["model"];
    const std::string meta = "\xE2\x96\x81";
    std::map<std::string, int> ranks;
    for (size_t r = 0; r < model["merges"].size(); ++r)
        ranks.emplace(model["merges"][r].get<std::string>(), int(r));
    std::string word = meta;
    for (const char c : text)
        word += c == ' ' ? meta : std::string(1, c);
    std::vector<std::string> parts;
    for (const auto &ch : utf8Chars(word)) {
        if (model["vocab"].contains(ch)) {
            parts.push_back(ch);
            continue;
        }
        for (const unsigned char b : ch) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "<0x%02X>", b);
            parts.emplace_back(hex);
        }
    }
    for (;;) {
        int best = -1;
        size_t at = 0;
        for (size_t i = 0; i + 1 < parts.size(); ++i) {
            const auto it = ranks.find(parts[i] + " " + parts[i + 1]);
            if (it != ranks.end() && (best < 0 || it->second < best)) {
                best = it->second;
                at = i;
            }
        }
        if (best < 0)
            break;
        parts[at] += parts[at + 1];
        parts.erase(parts.begin() + std::ptrdiff_t(at) + 1);
    }
    std::vector<std::int64_t> ids;
    for (const auto &p : parts)
        ids.push_back(model["vocab"][p].get<std::int64_t>());
    return ids;
}

} // namespace

class TestLlama2cTokenizer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_vocab = readLlama2cVocabulary(fixture("tok512.bin"), 512);
        m_json = llama2cTokenizerJson(m_vocab);
    }

    void shapeIsSentencePieceBpe()
    {
        const auto &model = m_json["model"];
        QCOMPARE(model["type"].get<std::string>(), std::string("BPE"));
        QVERIFY(model["byte_fallback"].get<bool>());
        QCOMPARE(model["vocab"].size(), size_t(512));
        QCOMPARE(model["vocab"]["<s>"].get<int>(), 1);
        QCOMPARE(model["vocab"]["<0x0A>"].get<int>(), 13);
        QCOMPARE(m_json["pre_tokenizer"]["type"].get<std::string>(), std::string("Metaspace"));
        QCOMPARE(m_json["added_tokens"].size(), size_t(3));
        for (const auto &[piece, id] : model["vocab"].items())
            QVERIFY2(piece.find(' ') == std::string::npos, piece.c_str());
        // Every merge joins two tokens into a third; ranks follow descending score.
        float previous = 1e30f;
        std::set<std::string> merged;
        for (const auto &merge : model["merges"]) {
            const auto text = merge.get<std::string>();
            const auto space = text.find(' ');
            const auto joined = text.substr(0, space) + text.substr(space + 1);
            QVERIFY2(model["vocab"].contains(joined), text.c_str());
            const float score = m_vocab.scores[model["vocab"][joined].get<size_t>()];
            QVERIFY(score <= previous);
            previous = score;
            merged.insert(joined);
        }
        // Every multi-character piece can be reached by some merge.
        for (size_t id = 259; id < m_vocab.pieces.size(); ++id) {
            std::string piece;
            for (const char c : m_vocab.pieces[id])
                piece += c == ' ' ? std::string("\xE2\x96\x81") : std::string(1, c);
            if (utf8Chars(piece).size() > 1)
                QVERIFY2(merged.count(piece) == 1, piece.c_str());
        }
    }

    void encodesLikeLlama2c_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("story") << QStringLiteral("Once upon a time, there was a little girl named Lily.");
        QTest::newRow("spaces") << QStringLiteral("  two  spaces and a trailing one ");
        QTest::newRow("unicode") << QStringLiteral("caf\u00e9 \u2713 na\u00efve \U0001F600");
        QTest::newRow("newlines") << QStringLiteral("She said, \"Hi!\"\nHe said: 'bye'.\n");
        QTest::newRow("numbers") << QStringLiteral("1234567890 + 42 = 1234567932");
    }

    void encodesLikeLlama2c()
    {
        QFETCH(QString, text);
        const auto utf8 = text.toStdString();
        QCOMPARE(huggingFaceEncode(m_json, utf8), llama2cEncode(m_vocab, utf8));
    }

    void referenceStoryEncodesToItsIds()
    {
        std::ifstream in(fixture("expected_greedy_n200_ids.txt"));
        std::vector<std::int64_t> ids;
        for (std::int64_t id; in >> id;)
            ids.push_back(id);
        std::ifstream textFile(fixture("expected_greedy_n200.txt"));
        std::stringstream text;
        text << textFile.rdbuf();
        const std::vector<std::int64_t> generated(ids.begin() + 1, ids.end());
        QCOMPARE(huggingFaceEncode(m_json, text.str()), generated);
    }

    // Two pieces that are one token text in tokenizer.json: llama2.c writes spaces
    // as ' ', the JSON as U+2581, so " a" and a piece spelled "\u2581a" collide.
    void duplicateTokenTextIsNamed()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::vector<std::string> pieces = {"<unk>", "<s>", "</s>", " a", "\xE2\x96\x81" "a"};
        std::string bytes;
        auto put = [&bytes](const void *p, size_t n) { bytes.append(static_cast<const char *>(p), n); };
        const std::int32_t maxLength = 8;
        put(&maxLength, 4);
        for (const auto &piece : pieces) {
            const float score = 0.0f;
            const auto length = static_cast<std::int32_t>(piece.size());
            put(&score, 4);
            put(&length, 4);
            put(piece.data(), piece.size());
        }
        const std::string path = dir.filePath(QStringLiteral("tok5.bin")).toStdString();
        std::ofstream(path, std::ios::binary) << bytes;
        const Llama2cVocabulary vocab = readLlama2cVocabulary(path, 5); // the file itself is well formed
        QCOMPARE(vocab.pieces.size(), size_t(5));
        try {
            llama2cTokenizerJson(vocab);
            QFAIL("two tokens with one text were accepted");
        } catch (const rlrf::Error &e) {
            QVERIFY2(std::string(e.what()).find("tokens 3 and 4 have the same text") != std::string::npos, e.what());
            QCOMPARE(e.source().field, std::string("\xE2\x96\x81" "a"));
        }
    }

private:
    Llama2cVocabulary m_vocab;
    nlohmann::json m_json;
};

QTEST_GUILESS_MAIN(TestLlama2cTokenizer)
#include "tst_llama2c_tokenizer.moc"
