// SPDX-License-Identifier: GPL-3.0-or-later
// The SFT loop on the real stories260K model (converted from llama2.c here): it
// memorises a few short answers (loss falls by a large factor, greedy decoding
// then reproduces them); a run cancelled and resumed ends with exactly the weights
// of an uninterrupted one; a NaN stops the run at that step and keeps the last good
// checkpoint. The NaN is produced honestly: the test writes it into a weight
// through the trainer's afterStep hook, and the guard sees the NaN loss of the real
// forward pass that follows.
#include <torch/torch.h>

#include "common/stories_fixture.h"
#include "core/json_io.h"
#include "model/llama_model.h"
#include "model/text_model.h"
#include "train/sft.h"
#include "train/sft_trainer.h"
#include "train/stability_guard.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

using namespace rlrf::train;
namespace fs = std::filesystem;

namespace {

struct Memo {
    const char *prompt;
    const char *answer;
};
const Memo kMemos[] = {{"Lily liked to", " play with her red ball."},
                       {"Tom saw a big", " dog in the park."},
                       {"The sun was", " hot and bright."},
                       {"Sam had a", " little car."}};

using MetricLog = std::map<std::string, std::map<std::int64_t, double>>;

rlrf::RunContext recordingContext(MetricLog &log)
{
    rlrf::RunContext context;
    context.onMetric = [&log](std::int64_t step, const std::string &key, double value) { log[key][step] = value; };
    return context;
}

std::vector<SftExample> idExamples()
{
    // Arbitrary ids of the 512-token vocabulary; EOS (2) ends each answer.
    return {{{1, 403, 261}, {395, 30, 2}}, {{1, 71, 88, 91}, {300, 2}}, {{1, 500}, {9, 10, 11, 2}},
            {{1, 45, 46}, {47, 2}},        {{1, 200, 201}, {202, 203, 2}}, {{1, 7}, {8, 2}}};
}

SftConfig smallConfig()
{
    SftConfig c;
    c.learningRate = 3e-3;
    c.warmupSteps = 2;
    c.maxSteps = 8;
    c.batchSize = 2;
    c.gradientAccumulation = 2;
    c.seed = 17;
    return c;
}

void compareWeights(const std::string &a, const std::string &b)
{
    const auto first = rlrf::model::Policy::load(a);
    const auto second = rlrf::model::Policy::load(b);
    const auto left = first.module().named_parameters();
    const auto right = second.module().named_parameters();
    QCOMPARE(left.size(), right.size());
    for (const auto &item : left)
        QVERIFY2(torch::equal(item.value(), right[item.key()]), item.key().c_str());
}

} // namespace

class TestSftTrainer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        torch::set_num_threads(1); // reproducible sums for the resume comparison
        QVERIFY(m_dir.isValid());
        m_model = rlrf::test::convertStories260K(m_dir.filePath(QStringLiteral("stories260K")));
    }

    void memorisesShortAnswers()
    {
        const auto model = rlrf::model::TextModel::load(m_model);
        SftData data;
        for (const auto &memo : kMemos) {
            auto answer = model.encode(memo.answer);
            answer.push_back(2);
            data.train.push_back({model.promptIds(memo.prompt, false), answer});
        }
        data.validation = data.train;
        SftConfig config;
        config.learningRate = 1e-2;
        config.warmupSteps = 2;
        config.maxSteps = 30;
        config.batchSize = 4;
        MetricLog log;
        const auto out = m_dir.filePath(QStringLiteral("memorise")).toStdString();
        const auto result = runSft(config, model, data, out, recordingContext(log));
        QVERIFY2(result.outcome == rlrf::Outcome::Succeeded, result.message.c_str());
        QCOMPARE(result.steps, std::int64_t(30));
        const double first = log["sft/loss"].at(1); // the untrained model's loss
        qInfo("loss %.4f -> %.4f (eval %.4f)", first, result.finalLoss, result.finalEvalLoss);
        QVERIFY2(result.finalEvalLoss < first / 10.0, qPrintable(QString::number(result.finalEvalLoss)));
        QCOMPARE(log["sft/loss"].size(), size_t(30));
        QVERIFY(log["sft/grad_norm"].at(1) > 0.0);
        QVERIFY(log["sft/tokens_per_second"].at(30) > 0.0);
        // Warm-up over 2 steps, then cosine down to 0 at step 30.
        QCOMPARE(log["sft/learning_rate"].at(1), 0.5e-2);
        QCOMPARE(log["sft/learning_rate"].at(2), 1e-2);
        QVERIFY(log["sft/learning_rate"].at(30) < 1e-4);
        QVERIFY(log["sft/eval_loss"].count(30) == 1);
        // The saved model, loaded fresh, answers every prompt with its memorised answer.
        const auto trained = rlrf::model::TextModel::load(result.modelFolder);
        rlrf::model::GenerationOptions options;
        options.maxNewTokens = 16;
        options.sampling.temperature = 0.0;
        for (const auto &memo : kMemos) {
            const auto sample = trained.generate({trained.promptIds(memo.prompt, false)}, options).at(0);
            QCOMPARE(sample.text, trained.decode(trained.encode(memo.answer)));
            QCOMPARE(sample.ids.back(), std::int64_t(2)); // and stops there
        }
        QVERIFY(fs::exists(fs::path(out) / "checkpoint-30" / kTrainerStateFile));
        QVERIFY(fs::exists(fs::path(out) / "checkpoint-30" / kOptimizerFile));
        QVERIFY(fs::exists(fs::path(out) / "final" / "tokenizer.json"));
    }

    void accumulationAveragesOverTheWholeStep()
    {
        // One step over the same four examples, as one batch of 4 or two of 2 with
        // accumulation: the step's loss is the mean over all its answer tokens, so
        // loss and gradient norm agree however the step is cut.
        auto whole = smallConfig();
        whole.batchSize = 4;
        whole.gradientAccumulation = 1;
        whole.maxSteps = 1;
        auto split = whole;
        split.batchSize = 2;
        split.gradientAccumulation = 2;
        const SftData data{idExamples(), {}};
        MetricLog a, b;
        QVERIFY(runSft(whole, m_model, data, m_dir.filePath(QStringLiteral("whole")).toStdString(), recordingContext(a))
                    .outcome == rlrf::Outcome::Succeeded);
        QVERIFY(runSft(split, m_model, data, m_dir.filePath(QStringLiteral("split")).toStdString(), recordingContext(b))
                    .outcome == rlrf::Outcome::Succeeded);
        QVERIFY(std::abs(a["sft/loss"].at(1) - b["sft/loss"].at(1)) < 1e-5);
        QVERIFY(std::abs(a["sft/grad_norm"].at(1) - b["sft/grad_norm"].at(1)) < 1e-4 * a["sft/grad_norm"].at(1));
    }

    void shardsOnTwoThreadsTrainLikeOneThread()
    {
        // On a CPU each micro-batch is split into one shard per intra-op thread
        // (sharded_backward.h): the same steps up to float rounding, and the same
        // weights on every run with the same thread count.
        auto config = smallConfig();
        config.batchSize = 4;
        config.gradientAccumulation = 1;
        config.maxSteps = 3;
        const SftData data{idExamples(), {}};
        const int threads = at::get_num_threads();
        MetricLog one, two, again;
        at::set_num_threads(1);
        const auto oneOut = m_dir.filePath(QStringLiteral("one-thread")).toStdString();
        QVERIFY(runSft(config, m_model, data, oneOut, recordingContext(one)).outcome == rlrf::Outcome::Succeeded);
        at::set_num_threads(2);
        const auto twoOut = m_dir.filePath(QStringLiteral("two-threads")).toStdString();
        const auto againOut = m_dir.filePath(QStringLiteral("two-threads-again")).toStdString();
        QVERIFY(runSft(config, m_model, data, twoOut, recordingContext(two)).outcome == rlrf::Outcome::Succeeded);
        QVERIFY(runSft(config, m_model, data, againOut, recordingContext(again)).outcome == rlrf::Outcome::Succeeded);
        at::set_num_threads(threads);
        for (std::int64_t step = 1; step <= 3; ++step) {
            QVERIFY(std::abs(one["sft/loss"].at(step) - two["sft/loss"].at(step)) < 1e-4);
            QVERIFY(std::abs(one["sft/grad_norm"].at(step) - two["sft/grad_norm"].at(step))
                    < 1e-3 * one["sft/grad_norm"].at(step));
            QCOMPARE(two["sft/loss"].at(step), again["sft/loss"].at(step));
        }
        compareWeights(twoOut + "/final", againOut + "/final");
    }

    void nonFiniteValuesNameTheStep()
    {
        try {
            requireFinite(std::numeric_limits<double>::infinity(), "gradient norm", 7);
            QFAIL("no error for +inf");
        } catch (const NonFiniteError &e) {
            QCOMPARE(e.step(), std::int64_t(7));
            QCOMPARE(QString::fromUtf8(e.what()), QStringLiteral("step 7: gradient norm is +inf (the update was not applied)"));
        }
        requireFinite(1e300, "loss", 1); // finite: no error
    }

    void cancelAndResumeMatchesUninterruptedRun()
    {
        const auto config = smallConfig();
        const SftData data{idExamples(), {}};
        MetricLog straightLog;
        const auto straightOut = m_dir.filePath(QStringLiteral("straight")).toStdString();
        const auto straight = runSft(config, m_model, data, straightOut, recordingContext(straightLog));
        QVERIFY2(straight.outcome == rlrf::Outcome::Succeeded, straight.message.c_str());

        MetricLog firstLog;
        auto context = recordingContext(firstLog);
        auto token = context.cancel;
        context.onMetric = [&firstLog, token](std::int64_t step, const std::string &key, double value) mutable {
            firstLog[key][step] = value;
            if (key == "sft/loss" && step == 3)
                token.requestStop(); // as the GUI's Stop button would, in the middle of a run
        };
        const auto out = m_dir.filePath(QStringLiteral("interrupted")).toStdString();
        const auto stopped = runSft(config, m_model, data, out, context);
        QCOMPARE(int(stopped.outcome), int(rlrf::Outcome::Cancelled));
        QCOMPARE(stopped.steps, std::int64_t(3));
        QVERIFY(fs::exists(fs::path(out) / "checkpoint-3" / kOptimizerFile));
        QVERIFY(!fs::exists(fs::path(out) / "final"));
        QCOMPARE(rlrf::json::readFile(out + "/checkpoint-3/" + kTrainerStateFile).at("step").get<int>(), 3);

        MetricLog resumedLog;
        const auto resumed = runSft(config, m_model, data, out, recordingContext(resumedLog), true);
        QVERIFY2(resumed.outcome == rlrf::Outcome::Succeeded, resumed.message.c_str());
        QCOMPARE(resumed.steps, std::int64_t(8));
        QCOMPARE(resumedLog["sft/loss"].begin()->first, std::int64_t(4)); // continues, does not restart
        for (std::int64_t step = 4; step <= 8; ++step)
            QCOMPARE(resumedLog["sft/loss"].at(step), straightLog["sft/loss"].at(step));
        compareWeights(resumed.modelFolder, straight.modelFolder);
    }

    void resumeRefusesAnotherSeed()
    {
        auto config = smallConfig();
        config.seed = 18;
        const auto out = m_dir.filePath(QStringLiteral("interrupted")).toStdString();
        const auto result = runSft(config, m_model, SftData{idExamples(), {}}, out, {}, true);
        QCOMPARE(int(result.outcome), int(rlrf::Outcome::Failed));
        QVERIFY2(result.message.find("'seed': differs between the checkpoint and this run") != std::string::npos,
                 result.message.c_str());
    }

    void nanStopsTheRunAndKeepsTheLastGoodCheckpoint()
    {
        auto config = smallConfig();
        config.checkpointEvery = 2;
        const auto out = m_dir.filePath(QStringLiteral("nan")).toStdString();
        auto policy = rlrf::model::Policy::load(m_model);
        SftJob job{config, policy, [policy](const std::string &f) { policy.save(f); }, out, {}};
        SftHooks hooks;
        hooks.afterStep = [](std::int64_t step, rlrf::model::LlamaModelImpl &module) {
            if (step == 5) {
                torch::NoGradGuard noGrad;
                module.named_parameters()["model.norm.weight"].fill_(std::nan(""));
            }
        };
        MetricLog log;
        const auto result = trainSft(job, SftData{idExamples(), {}}, recordingContext(log), hooks);
        QCOMPARE(int(result.outcome), int(rlrf::Outcome::Failed));
        QVERIFY2(result.message.find("step 6: loss is nan") != std::string::npos, result.message.c_str());
        QVERIFY2(result.message.find("checkpoint-4") != std::string::npos, result.message.c_str());
        QCOMPARE(result.steps, std::int64_t(5));
        QCOMPARE(log["sft/loss"].size(), size_t(5)); // no metric for the failed step
        QVERIFY(!fs::exists(fs::path(out) / "checkpoint-6"));
        QVERIFY(!fs::exists(fs::path(out) / "final"));
        // The kept checkpoint is good: finite weights, and training resumes from it.
        const auto kept = rlrf::model::Policy::load(result.lastCheckpoint);
        for (const auto &p : kept.module().parameters())
            QVERIFY(torch::isfinite(p).all().item<bool>());
        const auto resumed = runSft(config, m_model, SftData{idExamples(), {}}, out, {}, true);
        QVERIFY2(resumed.outcome == rlrf::Outcome::Succeeded, resumed.message.c_str());
        QCOMPARE(resumed.steps, std::int64_t(8));
    }

    void badDataFailsWithTheExampleNamed()
    {
        SftData data{idExamples(), {}};
        data.train[4].answerIds.push_back(700);
        const auto result = runSft(smallConfig(), m_model, data, m_dir.filePath(QStringLiteral("bad")).toStdString(), {});
        QCOMPARE(int(result.outcome), int(rlrf::Outcome::Failed));
        QVERIFY2(result.message.find("training example 4 has token id 700 outside the vocabulary of 512")
                     != std::string::npos,
                 result.message.c_str());
    }

private:
    QTemporaryDir m_dir;
    std::string m_model;
};

QTEST_GUILESS_MAIN(TestSftTrainer)
#include "tst_sft_trainer.moc"
