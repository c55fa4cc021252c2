// Batched KV-cache generation on a real model: stories260K (llama2.c's tinyllamas,
// shared/data/models/stories260K, see its README) with its tok512.bin vocabulary.
// Verifies: a batch of prompts of different lengths gives each prompt's tokens alone;
// n samples sharing one prefill equal separate runs; seeds reproduce; any of several
// EOS ids and stop strings end a row; the cancel token stops between tokens.
#include <torch/torch.h>

#include "common/test_paths.h"
#include "core/error.h"
#include "model/generator.h"
#include "model/llama2c_model.h"

#include <QtTest/QtTest>

using namespace rlrf::model;

namespace {

std::string modelPath()
{
    const QString path = rlrf::test::sharedData(QStringLiteral("models/stories260K/stories260K.bin"));
    if (path.isEmpty())
        qFatal("reference model models/stories260K/stories260K.bin missing under %s",
               qPrintable(rlrf::test::sharedDataDir()));
    return path.toStdString();
}

Llama2cVocabulary vocabulary()
{
    const QString path = rlrf::test::sharedData(QStringLiteral("models/stories260K/tok512.bin"));
    if (path.isEmpty())
        qFatal("reference vocabulary models/stories260K/tok512.bin missing");
    return readLlama2cVocabulary(path.toStdString(), 512);
}

// Prompts from the model's own story, of lengths 1, 9 and 4 (BOS first).
const std::vector<std::vector<std::int64_t>> kPrompts = {
    {1}, {1, 403, 407, 261, 378, 432, 383, 286, 261}, {1, 432, 358, 394}};

GenerationOptions options(double temperature, std::int64_t maxNew, std::uint64_t seed = 0)
{
    GenerationOptions o;
    o.maxNewTokens = maxNew;
    o.sampling.temperature = temperature;
    o.seed = seed;
    return o;
}

std::vector<std::int64_t> alone(LlamaModel &model, const std::vector<std::int64_t> &prompt, const GenerationOptions &o)
{
    return generate(*model, {prompt}, o).sequences.at(0).tokens;
}

} // namespace

class TestGeneration : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { m_model = loadLlama2cModel(modelPath()); }

    void batchEqualsEachPromptAlone()
    {
        const auto o = options(0.0, 40);
        const auto batch = generate(*m_model, kPrompts, o);
        QCOMPARE(batch.sequences.size(), kPrompts.size());
        for (size_t p = 0; p < kPrompts.size(); ++p) {
            QCOMPARE(batch.sequences[p].promptIndex, p);
            QCOMPARE(batch.sequences[p].tokens, alone(m_model, kPrompts[p], o));
            QCOMPARE(batch.sequences[p].reason, FinishReason::Length);
        }
    }

    void samplesShareThePrefill()
    {
        auto o = options(0.0, 25);
        o.numSamples = 3;
        const auto result = generate(*m_model, kPrompts, o);
        QCOMPARE(result.sequences.size(), size_t(9));
        for (size_t r = 0; r < result.sequences.size(); ++r) {
            QCOMPARE(result.sequences[r].promptIndex, r / 3);
            QCOMPARE(result.sequences[r].tokens, alone(m_model, kPrompts[r / 3], options(0.0, 25)));
        }
    }

    void sameSeedSameSamples()
    {
        auto o = options(1.0, 30, 1234);
        o.numSamples = 4;
        o.sampling.topP = 0.9;
        o.sampling.topK = 40;
        const auto a = generate(*m_model, kPrompts, o);
        const auto b = generate(*m_model, kPrompts, o);
        std::set<std::vector<std::int64_t>> distinct;
        for (size_t r = 0; r < a.sequences.size(); ++r) {
            QCOMPARE(a.sequences[r].tokens, b.sequences[r].tokens);
            distinct.insert(a.sequences[r].tokens);
        }
        QVERIFY2(distinct.size() > 6, "sampling at temperature 1 should give varied completions");
        o.seed = 99;
        const auto c = generate(*m_model, kPrompts, o);
        QVERIFY(c.sequences[0].tokens != a.sequences[0].tokens || c.sequences[1].tokens != a.sequences[1].tokens);
    }

    void topKOneIsGreedy()
    {
        auto o = options(0.8, 30, 5);
        o.sampling.topK = 1;
        QCOMPARE(alone(m_model, kPrompts[1], o), alone(m_model, kPrompts[1], options(0.0, 30)));
    }

    void anyEosIdEndsTheRow()
    {
        const auto greedy = alone(m_model, {1}, options(0.0, 60));
        auto o = options(0.0, 60);
        o.eosIds = {greedy[40], greedy[12], 2}; // the earliest one met wins
        const auto first = std::find(greedy.begin(), greedy.end(), greedy[12]) - greedy.begin();
        const auto result = generate(*m_model, {{1}}, o).sequences.at(0);
        QCOMPARE(result.reason, FinishReason::Eos);
        QCOMPARE(std::int64_t(result.tokens.size()), std::min<std::int64_t>(first, std::find(greedy.begin(), greedy.end(), greedy[40]) - greedy.begin()) + 1);
        QCOMPARE(result.tokens, std::vector<std::int64_t>(greedy.begin(), greedy.begin() + std::ptrdiff_t(result.tokens.size())));
    }

    void rowsThatStopEarlyLeaveTheBatch()
    {
        auto o = options(0.0, 40);
        o.eosIds = {alone(m_model, kPrompts[0], options(0.0, 40))[5]};
        const auto batch = generate(*m_model, kPrompts, o);
        bool someStopped = false;
        for (size_t p = 0; p < kPrompts.size(); ++p) {
            QCOMPARE(batch.sequences[p].tokens, alone(m_model, kPrompts[p], o));
            someStopped = someStopped || batch.sequences[p].reason == FinishReason::Eos;
        }
        QVERIFY(someStopped);
        QCOMPARE(batch.sequences[0].reason, FinishReason::Eos);
    }

    void stopStringEndsTheRow()
    {
        const auto vocab = vocabulary();
        const DecodeFunction decode = [&vocab](const std::vector<std::int64_t> &ids) {
            std::string text;
            for (const auto id : ids)
                text += vocab.pieces[size_t(id)];
            return text;
        };
        auto o = options(0.0, 100);
        o.stopStrings = {"park", "never appears in the story"};
        const auto result = generate(*m_model, {{1}}, o, decode).sequences.at(0);
        QCOMPARE(result.reason, FinishReason::StopString);
        const std::string text = decode(result.tokens);
        QVERIFY2(text.find("park") != std::string::npos, text.c_str());
        auto shorter = result.tokens;
        shorter.pop_back();
        QVERIFY(decode(shorter).find("park") == std::string::npos); // it stopped at the first token completing it
        QVERIFY(text.find("Once upon a time") != std::string::npos);
    }

    void cancelStopsBetweenTokens()
    {
        rlrf::CancelToken cancel;
        int decoded = 0;
        const DecodeFunction decode = [&](const std::vector<std::int64_t> &) {
            if (++decoded == 7)
                cancel.requestStop();
            return std::string();
        };
        auto o = options(0.0, 100);
        o.stopStrings = {"unused"};
        const auto result = generate(*m_model, {{1}}, o, decode, &cancel);
        QVERIFY(result.cancelled);
        QCOMPARE(result.sequences.at(0).reason, FinishReason::Cancelled);
        QCOMPARE(result.sequences.at(0).tokens.size(), size_t(7));
        QCOMPARE(generate(*m_model, {{1}}, options(0.0, 100), {}, &cancel).sequences.at(0).tokens.size(), size_t(0));
    }

    void badRequestsAreErrors()
    {
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, generate(*m_model, {}, options(0.0, 5)));
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, generate(*m_model, {{}}, options(0.0, 5)));
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, generate(*m_model, {{1, 512}}, options(0.0, 5)));
        auto stop = options(0.0, 5);
        stop.stopStrings = {"x"};
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, generate(*m_model, {{1}}, stop)); // no decode function
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, generate(*m_model, {{1}}, options(-1.0, 5)));
        auto topP = options(1.0, 5);
        topP.sampling.topP = 0.0;
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, generate(*m_model, {{1}}, topP));
    }

private:
    LlamaModel m_model{nullptr};
};

QTEST_GUILESS_MAIN(TestGeneration)
#include "tst_generation.moc"
