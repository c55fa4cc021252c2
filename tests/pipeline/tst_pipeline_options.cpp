// SPDX-License-Identifier: GPL-3.0-or-later
// Pipeline settings: the JSON stored in the run record reads back to the same
// settings, and every kind of bad value is an error naming its key.
#include "common/error_assert.h"

#include "pipeline/run/pipeline_options.h"

#include <QtTest/QtTest>

using namespace rlrf;

class TestPipelineOptions : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrip()
    {
        pipeline::PipelineOptions o;
        o.mode = pipeline::PipelineMode::RewardOnly;
        o.iterations = 3;
        o.promptsPerIteration = 17;
        o.samples = 5;
        o.temperature = 0.7;
        o.judge = "verifier:arith";
        o.pairRules = {"pareto", "all_above_delta"};
        o.delta = 0.5;
        o.autoApprove = true;
        o.greedyCandidate = true;
        o.sft.epochs = 3;
        o.sft.learningRate = 3e-5;
        o.sftSource = "pool";
        o.dpo.beta = 0.3;
        o.dpo.lossType = "ipo";
        o.dpo.learningRate = 2e-5;
        o.evalN = 11;
        o.seed = 9;
        const auto json = pipeline::toJson(o);
        QCOMPARE(json.at("mode").get<std::string>(), std::string("reward_only"));
        QCOMPARE(json.at("dpo").at("loss_type").get<std::string>(), std::string("ipo"));
        QCOMPARE(json.at("sft_source").get<std::string>(), std::string("pool"));
        const auto back = pipeline::pipelineOptionsFromJson(json, "run 1");
        QCOMPARE(pipeline::toJson(back).dump(), json.dump());
        // Through text too, as the run record stores it.
        QCOMPARE(pipeline::toJson(pipeline::pipelineOptionsFromJson(nlohmann::json::parse(json.dump()), "text")).dump(),
                 json.dump());
    }

    void missingKeysKeepDefaults()
    {
        const auto o = pipeline::pipelineOptionsFromJson({{"samples", 3}}, "partial");
        QCOMPARE(o.samples, 3);
        QCOMPARE(o.promptsPerIteration, pipeline::PipelineOptions{}.promptsPerIteration);
        QVERIFY(o.mode == pipeline::PipelineMode::Rlrf);
        QCOMPARE(o.dpo.learningRate, pipeline::PipelineOptions{}.dpo.learningRate);
    }

    // A run stored before the greedy candidate, the supervised pass and its
    // source existed resumes as it started: without them, although the pass is
    // now on by default. Set, all three are stored and read back.
    void settingsAddedLaterReadAsTheBehaviourBeforeThem()
    {
        const pipeline::PipelineOptions defaults;
        auto old = pipeline::toJson(defaults);
        old.erase("greedy_candidate");
        old.erase("sft");
        old.erase("sft_source");
        const auto o = pipeline::pipelineOptionsFromJson(old, "run 3");
        QVERIFY(!o.greedyCandidate);
        QCOMPARE(o.sft.epochs, 0.0);
        QCOMPARE(o.sftSource, std::string("pairs"));
        QVERIFY(defaults.sft.epochs > 0.0);
        QCOMPARE(defaults.sftSource, std::string("pool"));
        auto on = defaults;
        on.greedyCandidate = true;
        on.sft.epochs = 2;
        const auto back = pipeline::pipelineOptionsFromJson(pipeline::toJson(on), "run 4");
        QVERIFY(back.greedyCandidate);
        QCOMPARE(back.sft.epochs, 2.0);
        QCOMPARE(back.sftSource, std::string("pool"));
        // Off, as stored by --sft-epochs 0, reads back as off.
        auto off = defaults;
        off.sft.epochs = 0;
        QCOMPARE(pipeline::pipelineOptionsFromJson(pipeline::toJson(off), "run 5").sft.epochs, 0.0);
    }

    // The ablations: no refinement (refinements 0) and no DPO (the supervised
    // pass alone) round-trip, a run stored before "dpo_pass" ran DPO, and each
    // variant has the name the window compares runs by.
    void ablationsRoundTripAndHaveNames()
    {
        pipeline::PipelineOptions o;
        QVERIFY(o.dpoPass);
        QVERIFY(pipeline::refinesAnswers(o));
        QCOMPARE(pipeline::variantName(o), std::string("RLRF"));
        o.refinements = 0;
        o.dpoPass = false;
        QVERIFY(!pipeline::refinesAnswers(o));
        const auto back = pipeline::pipelineOptionsFromJson(pipeline::toJson(o), "run 2");
        QCOMPARE(back.refinements, std::int64_t(0));
        QVERIFY(!back.dpoPass);
        QCOMPARE(pipeline::variantName(back), std::string("RLRF without refinement, DPO"));
        auto old = pipeline::toJson(pipeline::PipelineOptions{});
        old.erase("dpo_pass");
        QVERIFY(pipeline::pipelineOptionsFromJson(old, "run 3").dpoPass);
        pipeline::PipelineOptions dpoOnly;
        dpoOnly.sft.epochs = 0;
        QCOMPARE(pipeline::variantName(dpoOnly), std::string("RLRF without supervised pass"));
        pipeline::PipelineOptions baseline;
        baseline.mode = pipeline::PipelineMode::RewardOnly;
        QVERIFY(!pipeline::refinesAnswers(baseline));
        QCOMPARE(pipeline::variantName(baseline), std::string("baseline"));
        // From a run's stored settings, as the Run area names runs; settings
        // that do not read are named by their mode.
        QCOMPARE(pipeline::variantNameOfStored(pipeline::toJson(back).dump()),
                 std::string("RLRF without refinement, DPO"));
        QCOMPARE(pipeline::variantNameOfStored(R"({"mode": "reward_only", "colour": 1})"), std::string("baseline"));
        QCOMPARE(pipeline::variantNameOfStored("not json"), std::string("RLRF"));
    }

    void badValuesNameTheirKey_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not an object") << "[1]" << "must be a JSON object";
        QTest::newRow("unknown key") << R"({"sample": 3})" << "'sample': unknown setting";
        QTest::newRow("wrong type") << R"({"samples": "many"})" << "'samples': wrong type";
        QTest::newRow("mode") << R"({"mode": "ppo"})" << "unknown pipeline mode 'ppo'";
        QTest::newRow("iterations") << R"({"iterations": 0})" << "'iterations'";
        QTest::newRow("one sample") << R"({"samples": 1})" << "pairs need two candidates";
        QTest::newRow("temperature") << R"({"temperature": -1})" << "'temperature'";
        QTest::newRow("top_p") << R"({"top_p": 0})" << "'top_p'";
        QTest::newRow("pair rule") << R"({"pair_rules": ["longest"]})" << "unknown pair rule 'longest'";
        QTest::newRow("no pair rule") << R"({"pair_rules": []})" << "name at least one pair rule";
        QTest::newRow("delta") << R"({"delta": 1.5})" << "'delta'";
        QTest::newRow("eval split") << R"({"eval_split": "dev"})" << "'eval_split'";
        QTest::newRow("dpo loss") << R"({"dpo": {"loss_type": "square"}})" << "loss";
        QTest::newRow("sft lr") << R"({"sft": {"learning_rate": -1}})" << "learning_rate";
        QTest::newRow("sft epochs") << R"({"sft": {"epochs": -1}})" << "run 7 (sft): 'epochs'";
        QTest::newRow("sft unknown") << R"({"sft": {"epoch": 1}})" << "run 7 (sft): 'epoch': unknown SFT setting";
        QTest::newRow("sft source") << R"({"sft_source": "all"})" << "'sft_source': must be pairs or pool";
        QTest::newRow("greedy type") << R"({"greedy_candidate": 1})" << "'greedy_candidate': wrong type";
        QTest::newRow("negative refinements") << R"({"refinements": -1})" << "'refinements': must not be negative";
        QTest::newRow("nothing trains") << R"({"dpo_pass": false, "sft": {"epochs": 0}})"
                                        << "'dpo_pass': without DPO the supervised pass must run";
        QTest::newRow("dpo_pass type") << R"({"dpo_pass": "no"})" << "'dpo_pass': wrong type";
        QTest::newRow("dpo unknown") << R"({"dpo": {"betta": 1}})" << "'betta': unknown setting";
    }

    void badValuesNameTheirKey()
    {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        RLRF_VERIFY_THROWS_WITH(pipeline::pipelineOptionsFromJson(nlohmann::json::parse(json.toStdString()), "run 7"),
                                expected.toStdString());
    }
};

QTEST_GUILESS_MAIN(TestPipelineOptions)
#include "tst_pipeline_options.moc"
