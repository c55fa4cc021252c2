// SPDX-License-Identifier: GPL-3.0-or-later
// DPO runs on the real stories260K model: a few steps learn a memorisable set of
// pairs (checked again on the saved checkpoint through the model's own scoring),
// the reference log-probs are cached and recomputed only for what changed, a NaN
// loss or an infinite gradient stops the run before any update and keeps the last
// good checkpoint, cancelling saves one, and an NLL term is not taken for a
// reference mismatch.
#include <torch/torch.h>

#include "common/dpo_pairs_fixture.h"
#include "common/stories_fixture.h"
#include "core/json_io.h"
#include "eval/dpo_diagnostics.h"
#include "model/llama_model.h"
#include "model/policy.h"
#include "train/dpo_trainer.h"
#include "train/reference_logprobs.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <filesystem>
#include <limits>
#include <numeric>

using namespace rlrf;
using namespace rlrf::train;
namespace fs = std::filesystem;

namespace {

using test::meanMargin;
using test::memorisablePairs;

DpoConfig fastConfig()
{
    DpoConfig config;
    config.beta = 0.1;
    config.learningRate = 3e-3;
    config.schedule = "constant";
    config.warmupRatio = 0.0;
    config.batchSize = 2;
    config.gradientAccumulation = 2;
    config.epochs = 12;
    return config;
}

} // namespace

class TestDpoTraining : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_model = test::convertStories260K(m_dir.filePath(QStringLiteral("model")));
    }

    // The first step of a real run with an NLL term: the loss is ln 2 plus the
    // NLL, not ln 2, yet the policy is its own reference, so no mismatch is
    // flagged; against another reference the rewards show it.
    void anNllTermIsNoReferenceMismatch()
    {
        auto config = fastConfig();
        config.epochs = 1;
        config.nllWeight = 1.0;
        eval::DpoSeries series;
        RunContext context;
        context.onMetric = [&](std::int64_t step, const std::string &key, double value) {
            if (key == "dpo/loss") series.loss.push_back({step, value});
            if (key == "dpo/rewards/chosen") series.rewardsChosen.push_back({step, value});
            if (key == "dpo/rewards/rejected") series.rewardsRejected.push_back({step, value});
        };
        const auto out = m_dir.filePath(QStringLiteral("nll")).toStdString();
        QCOMPARE(toString(runDpo(config, m_model, {}, memorisablePairs(), out, context).outcome), "succeeded");
        QVERIFY2(series.loss.front().second > std::log(2.0) + 0.1, std::to_string(series.loss.front().second).c_str());
        QVERIFY(eval::diagnoseDpo(series).empty());
        QCOMPARE(eval::diagnoseDpo(series.loss, {}, {}).size(), std::size_t(1)); // the loss alone would cry wolf

        // M0 trained against the run's own output as reference: rewards start away from 0.
        eval::DpoSeries other;
        context.onMetric = [&](std::int64_t step, const std::string &key, double value) {
            if (key == "dpo/rewards/chosen") other.rewardsChosen.push_back({step, value});
            if (key == "dpo/rewards/rejected") other.rewardsRejected.push_back({step, value});
        };
        const auto mismatched = m_dir.filePath(QStringLiteral("mismatch")).toStdString();
        QCOMPARE(toString(runDpo(config, m_model, out + "/final", memorisablePairs(), mismatched, context).outcome),
                 "succeeded");
        const auto warnings = eval::diagnoseDpo(other, "ipo");
        QCOMPARE(warnings.size(), std::size_t(1));
        QCOMPARE(warnings[0].kind, std::string("reference_mismatch"));
    }

    void sigmoidDpoLearnsAMemorisableSet()
    {
        std::map<std::int64_t, std::map<std::string, double>> metrics;
        RunContext context;
        context.onMetric = [&](std::int64_t step, const std::string &key, double value) { metrics[step][key] = value; };
        const auto out = m_dir.filePath(QStringLiteral("learn")).toStdString();
        const auto result = runDpo(fastConfig(), m_model, {}, memorisablePairs(), out, context);
        QCOMPARE(toString(result.outcome), "succeeded");
        QCOMPARE(result.totalSteps, std::int64_t(12)); // 4 pairs / (2 x 2) per step x 12 epochs
        QCOMPARE(result.steps, std::int64_t(12));
        QCOMPARE(result.referenceComputedPairs, std::int64_t(4));
        for (const char *key : {"dpo/loss", "dpo/rewards/chosen", "dpo/rewards/rejected", "dpo/rewards/margins",
                                "dpo/rewards/accuracies", "dpo/logps/chosen", "dpo/logps/rejected", "dpo/grad_norm",
                                "dpo/learning_rate", "dpo/tokens_per_second"})
            QVERIFY2(metrics[12].count(key) == 1, key);
        QVERIFY(metrics[12]["dpo/rewards/margins"] > metrics[1]["dpo/rewards/margins"] + 0.1);
        QCOMPARE(metrics[12]["dpo/rewards/accuracies"], 1.0);
        QVERIFY(metrics[12]["dpo/loss"] < std::log(2.0) - 0.05);
        QCOMPARE(metrics[5]["dpo/learning_rate"], 3e-3);
        QVERIFY(metrics[3]["dpo/tokens_per_second"] > 0.0);

        // The saved final model, scored independently of the trainer, prefers chosen more than the reference.
        QCOMPARE(QString::fromStdString(result.checkpoint), QString::fromStdString(out + "/final"));
        const auto trained = model::Policy::load(result.checkpoint);
        const auto reference = model::Policy::load(m_model);
        const auto pairs = memorisablePairs();
        QVERIFY(meanMargin(trained, pairs) > meanMargin(reference, pairs) + 1.0);
        const auto state = json::readFile(result.checkpoint + "/trainer_state.json");
        QCOMPARE(state["global_step"].get<int>(), 12);
        QCOMPARE(state["log_history"].size(), size_t(12));
        QCOMPARE(state["config"]["beta"].get<double>(), 0.1);
        QVERIFY(fs::exists(result.checkpoint + "/tokenizer.json"));
    }

    void referenceCacheIsReusedAndInvalidated()
    {
        const auto reference = model::Policy::load(m_model);
        const auto identity = referenceModelIdentity(m_model, reference.dtype());
        const auto cacheDir = m_dir.filePath(QStringLiteral("cache")).toStdString();
        auto pairs = memorisablePairs();
        const auto first = referenceLogProbs(reference, identity, pairs, cacheDir, 3);
        QCOMPARE(first.computedPairs, std::int64_t(4));
        for (size_t i = 0; i < pairs.size(); ++i) { // the cached values are the model's own scores
            const auto rows = reference.scoreCompletions({pairs[i].prompt}, {pairs[i].chosen});
            QVERIFY(std::abs(first.chosen[i] - std::accumulate(rows[0].begin(), rows[0].end(), 0.0)) < 1e-4);
        }
        const auto second = referenceLogProbs(reference, identity, pairs, cacheDir, 3);
        QCOMPARE(second.computedPairs, std::int64_t(0));
        QCOMPARE(second.chosen, first.chosen);
        QCOMPARE(second.rejected, first.rejected);

        pairs[2].rejected.back() = 3; // one pair changes: only it is recomputed
        const auto third = referenceLogProbs(reference, identity, pairs, cacheDir, 3);
        QCOMPARE(third.computedPairs, std::int64_t(1));
        QVERIFY(third.rejected[2] != first.rejected[2]);
        QVERIFY(std::abs(third.chosen[2] - first.chosen[2]) < 1e-4); // recomputed in another batch

        // Another model folder (the same weights saved again: new files) gets its own entries.
        const auto copy = m_dir.filePath(QStringLiteral("copy")).toStdString();
        reference.save(copy);
        const auto other = referenceModelIdentity(copy, reference.dtype());
        QVERIFY(other != identity);
        QCOMPARE(referenceLogProbs(reference, other, pairs, cacheDir, 3).computedPairs, std::int64_t(4));
        QVERIFY(referenceModelIdentity(m_model, "bfloat16") != identity);

        // A trainer run with the same cache folder computes nothing.
        auto config = fastConfig();
        config.epochs = 1;
        config.referenceCacheDir = cacheDir;
        const auto run = runDpo(config, m_model, m_model, pairs, m_dir.filePath(QStringLiteral("cached")).toStdString(), {});
        QCOMPARE(run.referenceComputedPairs, std::int64_t(0));
    }

    void corruptCacheIsAnErrorNamingIt()
    {
        const auto cacheDir = m_dir.filePath(QStringLiteral("corrupt")).toStdString();
        const auto reference = model::Policy::load(m_model);
        const auto identity = referenceModelIdentity(m_model, reference.dtype());
        fs::create_directories(cacheDir);
        const auto file = cacheDir + "/reference-" + fnv1aHex(identity) + ".json";
        json::writeFileAtomically(file, "[1, 2]");
        try {
            referenceLogProbs(reference, identity, memorisablePairs(), cacheDir, 2);
            QFAIL("a corrupt cache was accepted");
        } catch (const Error &e) {
            QVERIFY2(std::string(e.what()).find(file) != std::string::npos, e.what());
        }
    }

    void nanStopsAndKeepsTheLastGoodCheckpoint()
    {
        const auto policy = model::Policy::load(m_model);
        const auto reference = model::Policy::load(m_model);
        auto config = fastConfig();
        config.checkpointEvery = 1;
        RunContext context;
        context.onMetric = [&policy](std::int64_t step, const std::string &key, double) {
            if (step == 2 && key == "dpo/loss") { // checkpoint-2 is already saved; step 3 meets NaN weights
                torch::NoGradGuard noGrad;
                policy.module().parameters().front().fill_(std::numeric_limits<float>::quiet_NaN());
            }
        };
        const auto out = m_dir.filePath(QStringLiteral("nan")).toStdString();
        const auto result = trainDpo(config, policy, reference, m_model, memorisablePairs(), out, context);
        QCOMPARE(toString(result.outcome), "failed");
        QCOMPARE(result.steps, std::int64_t(2));
        QVERIFY2(result.message.find("step 3") != std::string::npos, result.message.c_str());
        QVERIFY2(result.message.find("nan") != std::string::npos, result.message.c_str());
        QVERIFY2(result.message.find(out + "/checkpoint-2") != std::string::npos, result.message.c_str());
        QVERIFY(!fs::exists(out + "/checkpoint-3"));
        QVERIFY(!fs::exists(out + "/final"));
        const auto kept = model::Policy::load(out + "/checkpoint-2");
        const auto scores = kept.scoreCompletions({{1, 403}}, {{281, 266, 2}});
        for (const auto logp : scores[0])
            QVERIFY(std::isfinite(logp));
        QCOMPARE(json::readFile(out + "/checkpoint-2/trainer_state.json")["global_step"].get<int>(), 2);
    }

    void infiniteGradientStopsBeforeTheUpdate()
    {
        const auto policy = model::Policy::load(m_model);
        const auto reference = model::Policy::load(m_model);
        auto config = fastConfig();
        config.checkpointEvery = 1;
        RunContext context;
        context.onMetric = [&policy](std::int64_t step, const std::string &key, double) {
            if (step == 1 && key == "dpo/loss") // the loss stays finite; the gradient of one tensor does not
                policy.module().parameters().back().register_hook(
                    [](const torch::Tensor &grad) { return grad * std::numeric_limits<float>::infinity(); });
        };
        const auto out = m_dir.filePath(QStringLiteral("inf")).toStdString();
        const auto result = trainDpo(config, policy, reference, m_model, memorisablePairs(), out, context);
        QCOMPARE(toString(result.outcome), "failed");
        QCOMPARE(result.steps, std::int64_t(1));
        QVERIFY2(result.message.find("step 2: the gradient norm is") != std::string::npos, result.message.c_str());
        QVERIFY2(result.message.find(out + "/checkpoint-1") != std::string::npos, result.message.c_str());
        for (const auto &p : policy.module().parameters()) // no update was applied with the bad gradient
            QVERIFY(torch::isfinite(p).all().item<bool>());
        QVERIFY(!fs::exists(out + "/checkpoint-2"));
    }

    void cancelReturnsCancelledWithACheckpoint()
    {
        RunContext context;
        auto cancel = context.cancel;
        context.onMetric = [cancel](std::int64_t step, const std::string &, double) mutable {
            if (step == 2)
                cancel.requestStop();
        };
        const auto out = m_dir.filePath(QStringLiteral("cancel")).toStdString();
        const auto result = runDpo(fastConfig(), m_model, {}, memorisablePairs(), out, context);
        QCOMPARE(toString(result.outcome), "cancelled");
        QCOMPARE(result.steps, std::int64_t(2));
        QCOMPARE(QString::fromStdString(result.checkpoint), QString::fromStdString(out + "/checkpoint-2"));
        QCOMPARE(json::readFile(result.checkpoint + "/trainer_state.json")["global_step"].get<int>(), 2);
        QCOMPARE(model::Policy::load(result.checkpoint).config().vocabSize, std::int64_t(512));
        QVERIFY(!fs::exists(out + "/final"));
    }

private:
    QTemporaryDir m_dir;
    std::string m_model;
};

QTEST_GUILESS_MAIN(TestDpoTraining)
#include "tst_dpo_training.moc"
