// SPDX-License-Identifier: GPL-3.0-or-later
// What a DPO run is given: the config's JSON round trip and field-naming validation,
// preference pairs in JSONL (ids and text, encoded with the real stories260K
// tokenizer), and each kind of bad input as an error naming file, line and field.
#include "common/error_assert.h"
#include "common/stories_fixture.h"
#include "model/text_model.h"
#include "train/dpo_trainer.h"
#include "train/dpo_trainer_pairs.h"
#include "types/dpo_config.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <fstream>

using namespace rlrf;
using namespace rlrf::train;

class TestDpoInputs : public QObject {
    Q_OBJECT

    std::string writeFile(const QString &name, const std::string &text)
    {
        const auto path = m_dir.filePath(name).toStdString();
        std::ofstream(path) << text;
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_model = test::convertStories260K(m_dir.filePath(QStringLiteral("model")));
    }

    void configRoundTrips()
    {
        DpoConfig c;
        c.beta = 0.25;
        c.lossType = "ipo";
        c.learningRate = 2e-6;
        c.schedule = "linear";
        c.warmupRatio = 0.05;
        c.epochs = 3;
        c.batchSize = 8;
        c.gradientAccumulation = 4;
        c.maxGradNorm = 0.5;
        c.weightDecay = 0.01;
        c.nllWeight = 0.2;
        c.seed = 1234567890123ull;
        c.device = "cuda:1";
        c.dtype = "bfloat16";
        c.checkpointEvery = 50;
        c.referenceCacheDir = "cache";
        const auto json = toJson(c);
        QCOMPARE(json["loss_type"].get<std::string>(), std::string("ipo"));
        QCOMPARE(json["gradient_accumulation_steps"].get<int>(), 4);
        QCOMPARE(toJson(dpoConfigFromJson(json, "test")), json);
        QCOMPARE(toJson(dpoConfigFromJson(nlohmann::json::object(), "test")), toJson(DpoConfig{}));
    }

    void configErrorsNameTheField_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("field");
        QTest::newRow("beta") << R"({"beta": 0})" << "beta";
        QTest::newRow("loss") << R"({"loss_type": "kto"})" << "loss_type";
        QTest::newRow("smoothing+ipo") << R"({"loss_type": "ipo", "label_smoothing": 0.1})" << "label_smoothing";
        QTest::newRow("lr") << R"({"learning_rate": -1})" << "learning_rate";
        QTest::newRow("schedule") << R"({"lr_scheduler_type": "step"})" << "lr_scheduler_type";
        QTest::newRow("warmup") << R"({"warmup_ratio": 1.5})" << "warmup_ratio";
        QTest::newRow("epochs") << R"({"num_train_epochs": 0})" << "num_train_epochs";
        QTest::newRow("batch") << R"({"per_device_train_batch_size": 0})" << "per_device_train_batch_size";
        QTest::newRow("accum") << R"({"gradient_accumulation_steps": 0})" << "gradient_accumulation_steps";
        QTest::newRow("clip") << R"({"max_grad_norm": -1})" << "max_grad_norm";
        QTest::newRow("nll") << R"({"nll_weight": -0.1})" << "nll_weight";
        QTest::newRow("device") << R"({"device": "tpu"})" << "device";
        QTest::newRow("dtype") << R"({"dtype": "float16"})" << "dtype";
        QTest::newRow("save") << R"({"save_steps": -2})" << "save_steps";
        QTest::newRow("type") << R"({"beta": "high"})" << "beta";
        QTest::newRow("unknown") << R"({"betta": 0.1})" << "betta";
    }

    void configErrorsNameTheField()
    {
        QFETCH(QString, json);
        QFETCH(QString, field);
        RLRF_VERIFY_THROWS_WITH(dpoConfigFromJson(nlohmann::json::parse(json.toStdString()), "run.json"),
                                "run.json: '" + field.toStdString() + "'");
    }

    void idAndTextPairsAreRead()
    {
        const auto model = model::TextModel::load(m_model);
        const auto path = writeFile(QStringLiteral("pairs.jsonl"),
                                    "{\"prompt_ids\": [1, 5], \"chosen_ids\": [7], \"rejected_ids\": [8, 9]}\n\n"
                                    "{\"prompt\": \"Once upon a time\", \"chosen\": \" there was a cat.\", \"rejected\": \" dog\"}\n");
        const auto pairs = readDpoPairs(path, &model);
        QCOMPARE(pairs.size(), size_t(2));
        QCOMPARE(pairs[0].rejected, (std::vector<std::int64_t>{8, 9}));
        QCOMPARE(pairs[1].prompt, model.promptIds("Once upon a time", false));
        QCOMPARE(pairs[1].prompt.front(), std::int64_t(1)); // BOS of the llama2 tokenizer
        auto chosen = model.encode(" there was a cat.");
        chosen.push_back(2); // EOS from config.json
        QCOMPARE(pairs[1].chosen, chosen);
        QCOMPARE(pairs[1].rejected.back(), std::int64_t(2));
        QCOMPARE(model.decode(pairs[1].rejected).find("dog") != std::string::npos, true);
    }

    void badPairsNameFileLineAndField_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("part");
        QTest::newRow("not json") << "{oops" << ":2";
        QTest::newRow("not object") << "[1, 2]" << ":2";
        QTest::newRow("missing chosen") << R"({"prompt_ids": [1], "rejected_ids": [2]})" << ":2: 'chosen_ids'";
        QTest::newRow("string id") << R"({"prompt_ids": [1], "chosen_ids": ["a"], "rejected_ids": [2]})" << ":2: 'chosen_ids'";
        QTest::newRow("empty rejected") << R"({"prompt_ids": [1], "chosen_ids": [3], "rejected_ids": []})" << ":2: 'rejected_ids'";
        QTest::newRow("text no chosen") << R"({"prompt": "a", "rejected": "b"})" << ":2: 'chosen'";
        QTest::newRow("text number") << R"({"prompt": 3, "chosen": "a", "rejected": "b"})" << ":2: 'prompt'";
    }

    void badPairsNameFileLineAndField()
    {
        QFETCH(QString, line);
        QFETCH(QString, part);
        const auto model = model::TextModel::load(m_model);
        const auto path = writeFile(QStringLiteral("bad.jsonl"),
                                    "{\"prompt_ids\": [1], \"chosen_ids\": [3], \"rejected_ids\": [4]}\n"
                                        + line.toStdString() + "\n");
        RLRF_VERIFY_THROWS_WITH(readDpoPairs(path, &model), "bad.jsonl" + part.toStdString());
    }

    void textPairsWithoutTokenizerAndEmptyFilesAreErrors()
    {
        const auto text = writeFile(QStringLiteral("text.jsonl"), R"({"prompt": "a", "chosen": "b", "rejected": "c"})");
        RLRF_VERIFY_THROWS_WITH(readDpoPairs(text, nullptr), "text.jsonl:1: 'prompt': text pairs need");
        const auto empty = writeFile(QStringLiteral("empty.jsonl"), "\n");
        RLRF_VERIFY_THROWS_WITH(readDpoPairs(empty, nullptr), "no preference pairs");
    }

    void idsOutsideTheVocabularyStopBeforeTraining()
    {
        const std::vector<DpoPair> pairs = {{{1, 2}, {3}, {4}}, {{1}, {512}, {5}}};
        RLRF_VERIFY_THROWS_WITH(runDpo(DpoConfig{}, m_model, {}, pairs, m_dir.filePath(QStringLiteral("o")).toStdString(), {}),
                                "pair 2 has token id 512 outside the vocabulary of 512");
    }

private:
    QTemporaryDir m_dir;
    std::string m_model;
};

QTEST_GUILESS_MAIN(TestDpoInputs)
#include "tst_dpo_inputs.moc"
