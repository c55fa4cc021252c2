// SPDX-License-Identifier: GPL-3.0-or-later
// SFT settings: JSON round trip, validation naming the field, unknown keys; the
// JSONL reader: ids and text lines (text encoded with the stories260K tokenizer,
// checked against the tokenizer directly), and an error naming file, line and field
// for each kind of bad line.
#include "common/error_assert.h"
#include "common/stories_fixture.h"
#include "model/text_model.h"
#include "train/sft_data.h"
#include "train/sft_plan.h"
#include "types/train_config.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <fstream>
#include <set>

using namespace rlrf::train;

class TestSftConfig : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void jsonRoundTripKeepsEveryField()
    {
        SftConfig c;
        c.learningRate = 3e-4;
        c.schedule = ScheduleKind::Linear;
        c.minLearningRateRatio = 0.1;
        c.warmupRatio = 0.05;
        c.warmupSteps = 7;
        c.epochs = 2.5;
        c.maxSteps = 99;
        c.batchSize = 3;
        c.gradientAccumulation = 4;
        c.maxGradNorm = 0.5;
        c.weightDecay = 0.01;
        c.beta1 = 0.8;
        c.beta2 = 0.95;
        c.adamEpsilon = 1e-6;
        c.seed = 1234567890123ULL;
        c.checkpointEvery = 11;
        c.groupByLength = true;
        c.device = "cuda:1";
        c.dtype = "bfloat16";
        const auto json = toJson(c);
        QCOMPARE(json.size(), size_t(19));
        QCOMPARE(toJson(sftConfigFromJson(json)).dump(), json.dump());
        QCOMPARE(json.at("schedule").get<std::string>(), std::string("linear"));
        QCOMPARE(sftConfigFromJson(json).seed, c.seed);
    }

    void badValuesNameTheField_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("part");
        QTest::newRow("lr zero") << QString::fromUtf8(R"({"learning_rate": 0})") << QString::fromUtf8("'learning_rate': must be a finite number above 0");
        QTest::newRow("batch") << QString::fromUtf8(R"({"batch_size": 0})") << QString::fromUtf8("'batch_size': must be at least 1");
        QTest::newRow("accum") << QString::fromUtf8(R"({"gradient_accumulation": -2})") << QString::fromUtf8("'gradient_accumulation': must be at least 1");
        QTest::newRow("warmup") << QString::fromUtf8(R"({"warmup_ratio": 1.5})") << QString::fromUtf8("'warmup_ratio': must lie in [0, 1)");
        QTest::newRow("beta2") << QString::fromUtf8(R"({"beta2": 1.0})") << QString::fromUtf8("'beta2': must lie in [0, 1)");
        QTest::newRow("epochs") << QString::fromUtf8(R"({"epochs": 0, "max_steps": 0})") << QString::fromUtf8("'epochs': must be a finite number above 0");
        QTest::newRow("dtype") << QString::fromUtf8(R"({"dtype": "float16"})") << QString::fromUtf8("'dtype': must be");
        QTest::newRow("schedule") << QString::fromUtf8(R"({"schedule": "sawtooth"})") << QString::fromUtf8("sawtooth");
        QTest::newRow("type") << QString::fromUtf8(R"({"batch_size": "eight"})") << QString::fromUtf8("'batch_size': has the wrong type");
        QTest::newRow("unknown") << QString::fromUtf8(R"({"learning_rat": 0.1})") << QString::fromUtf8("unknown SFT setting \"learning_rat\"");
        QTest::newRow("not object") << QString::fromUtf8(R"([1, 2])") << QString::fromUtf8("must be a JSON object");
    }

    void badValuesNameTheField()
    {
        QFETCH(QString, json);
        QFETCH(QString, part);
        RLRF_VERIFY_THROWS_WITH(sftConfigFromJson(nlohmann::json::parse(json.toStdString()), "sft.json"),
                                part.toStdString());
        RLRF_VERIFY_THROWS_WITH(sftConfigFromJson(nlohmann::json::parse(json.toStdString()), "sft.json"), "sft.json");
    }

    void planCoversEachEpochOnceInSeededOrder()
    {
        SftConfig c;
        c.batchSize = 3;
        c.gradientAccumulation = 2;
        c.epochs = 2;
        SftPlan plan(c, 10); // 4 micro-batches an epoch, 8 in all -> 4 steps
        QCOMPARE(plan.totalSteps(), std::int64_t(4));
        std::multiset<std::size_t> firstEpoch;
        for (std::int64_t s = 0; s < 2; ++s)
            for (const auto &mb : plan.step(s))
                firstEpoch.insert(mb.begin(), mb.end());
        QCOMPARE(firstEpoch.size(), size_t(10));
        QCOMPARE(std::set<std::size_t>(firstEpoch.begin(), firstEpoch.end()).size(), size_t(10));
        SftConfig other = c;
        other.seed = 7;
        SftPlan again(c, 10), otherSeed(other, 10);
        QCOMPARE(again.step(3), plan.step(3));
        QVERIFY(otherSeed.step(0) != plan.step(0));
        QVERIFY(plan.step(0) != plan.step(2)); // a new permutation in epoch 2
    }

    // Grouped batches: each epoch still sees every example once, a batch spans a
    // narrow range of lengths, and the order is seeded and repeatable.
    void planGroupsByLength()
    {
        SftConfig c;
        c.batchSize = 4;
        c.epochs = 1;
        c.groupByLength = true;
        std::vector<std::size_t> lengths;
        for (std::size_t i = 0; i < 400; ++i)
            lengths.push_back(i % 3 == 0 ? 250 + i % 7 : 90 + i % 11); // two length clusters
        SftPlan plan(c, lengths), again(c, lengths);
        std::set<std::size_t> seen;
        std::size_t mixed = 0;
        for (std::int64_t s = 0; s < plan.totalSteps(); ++s) {
            const auto batches = plan.step(s);
            QCOMPARE(batches, again.step(s));
            for (const auto &mb : batches) {
                seen.insert(mb.begin(), mb.end());
                std::size_t lo = 10000, hi = 0;
                for (auto i : mb) { lo = std::min(lo, lengths[i]); hi = std::max(hi, lengths[i]); }
                mixed += hi - lo > 100 ? 1 : 0;
            }
        }
        QCOMPARE(seen.size(), std::size_t(400));
        QVERIFY2(mixed <= 4, qPrintable(QString::number(mixed))); // one per window at most, where its clusters meet
        c.groupByLength = false;
        SftPlan plain(c, lengths);
        std::size_t plainMixed = 0;
        for (std::int64_t s = 0; s < plain.totalSteps(); ++s)
            for (const auto &mb : plain.step(s)) {
                std::size_t lo = 10000, hi = 0;
                for (auto i : mb) { lo = std::min(lo, lengths[i]); hi = std::max(hi, lengths[i]); }
                plainMixed += hi - lo > 100 ? 1 : 0;
            }
        QVERIFY(plainMixed > 40);
    }

    void readsIdsAndText()
    {
        const auto model = rlrf::model::TextModel::load(
            rlrf::test::convertStories260K(m_dir.filePath(QStringLiteral("model"))));
        const auto path = write("ok.jsonl", "{\"prompt_ids\": [1, 5], \"completion_ids\": [7, 2]}\n\n"
                                            "{\"prompt\": \"Once upon a time\", \"completion\": \" there was a cat\"}\n");
        const auto examples = readSftJsonl(path, &model);
        QCOMPARE(examples.size(), size_t(2));
        QCOMPARE(examples[0].promptIds, (std::vector<std::int64_t>{1, 5}));
        QCOMPARE(examples[0].answerIds, (std::vector<std::int64_t>{7, 2}));
        QCOMPARE(examples[1].promptIds, model.promptIds("Once upon a time", false));
        QCOMPARE(examples[1].promptIds.front(), std::int64_t(1)); // the BOS of the llama2.c tokenizer
        auto answer = model.encode(" there was a cat");
        answer.push_back(2); // EOS of stories260K
        QCOMPARE(examples[1].answerIds, answer);
        auto whole = examples[1].promptIds;
        whole.insert(whole.end(), examples[1].answerIds.begin(), examples[1].answerIds.end());
        QCOMPARE(QString::fromStdString(model.decode(whole)), QStringLiteral("Once upon a time there was a cat"));
    }

    void badLinesNameFileLineAndField_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("part");
        QTest::newRow("no completion ids") << QString::fromUtf8(R"({"prompt_ids": [1]})") << QString::fromUtf8(":2: 'completion_ids': missing field");
        QTest::newRow("negative id") << QString::fromUtf8(R"({"prompt_ids": [1, -3], "completion_ids": [2]})") << QString::fromUtf8(":2: 'prompt_ids': must hold non-negative integers");
        QTest::newRow("ids not list") << QString::fromUtf8(R"({"prompt_ids": 5, "completion_ids": [2]})") << QString::fromUtf8("must be a list");
        QTest::newRow("empty ids") << QString::fromUtf8(R"({"prompt_ids": [1], "completion_ids": []})") << QString::fromUtf8("completion has no tokens");
        QTest::newRow("neither") << QString::fromUtf8(R"({"question": "x"})") << QString::fromUtf8("needs \"prompt\" and \"completion\"");
        QTest::newRow("not object") << QString::fromUtf8(R"([1])") << QString::fromUtf8("must be a JSON object");
        QTest::newRow("text no model") << QString::fromUtf8(R"({"prompt": "a", "completion": "b"})") << QString::fromUtf8("need a model with a tokenizer");
        QTest::newRow("broken json") << QString::fromUtf8(R"({"prompt_ids": [1)") << QString::fromUtf8(":2:");
    }

    void badLinesNameFileLineAndField()
    {
        QFETCH(QString, line);
        QFETCH(QString, part);
        const auto path = write("bad.jsonl", "{\"prompt_ids\": [1], \"completion_ids\": [2]}\n" + line.toStdString() + "\n");
        RLRF_VERIFY_THROWS_WITH(readSftJsonl(path, nullptr), part.toStdString());
        RLRF_VERIFY_THROWS_WITH(readSftJsonl(path, nullptr), "bad.jsonl");
    }

    void emptyFileIsAnError()
    {
        RLRF_VERIFY_THROWS_WITH(readSftJsonl(write("empty.jsonl", "\n"), nullptr), "no examples");
    }

private:
    std::string write(const char *name, const std::string &text)
    {
        const auto path = m_dir.filePath(QString::fromLatin1(name)).toStdString();
        std::ofstream(path) << text;
        return path;
    }

    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestSftConfig)
#include "tst_sft_config.moc"
