// SPDX-License-Identifier: GPL-3.0-or-later
// Training LoRA adapters on the real stories260K model: DPO learns the pairs while
// the base stays untouched and serves, adapter off, as the reference; an
// interrupted LoRA DPO run resumes to the same adapter as an uninterrupted one;
// SFT with LoRA memorises short answers; an adapter folder trains as itself and
// another adapter on top of it is refused.
#include <torch/torch.h>

#include "common/error_assert.h"
#include "common/dpo_pairs_fixture.h"
#include "common/stories_fixture.h"
#include "core/json_io.h"
#include "model/llama_model.h"
#include "model/lora.h"
#include "model/policy.h"
#include "model/safetensors_reader.h"
#include "model/text_model.h"
#include "model/torch_tensor_views.h"
#include "train/dpo_trainer.h"
#include "train/sft.h"
#include "train/sft_data.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>
#include <numeric>

using namespace rlrf;
using namespace rlrf::train;
namespace fs = std::filesystem;

namespace {

using test::meanMargin;
using test::memorisablePairs;

LoraSettings lora(std::int64_t rank)
{
    LoraSettings s;
    s.rank = rank;
    s.alpha = 16.0;
    return s;
}

DpoConfig loraDpoConfig()
{
    DpoConfig config;
    config.beta = 0.1;
    config.learningRate = 1e-2; // an adapter wants a far larger rate than full weights
    config.schedule = "constant";
    config.warmupRatio = 0.0;
    config.batchSize = 2;
    config.epochs = 6;
    config.lora = lora(8);
    return config;
}

std::map<std::string, torch::Tensor> adapterTensors(const std::string &folder)
{
    const auto file = model::SafetensorsFile::open(folder + "/adapter_model.safetensors");
    std::map<std::string, torch::Tensor> out;
    for (const auto &view : file.tensors())
        out[view.name] = model::toTensor(view).clone();
    return out;
}

std::string hashOfFile(const std::string &path)
{
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex().toStdString();
}

} // namespace

class TestLoraTraining : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        torch::set_num_threads(1); // reproducible sums for the resume comparison
        QVERIFY(m_dir.isValid());
        m_model = test::convertStories260K(m_dir.filePath(QStringLiteral("base")));
    }

    void dpoTrainsOnlyTheAdapterAgainstTheBase()
    {
        const auto pairs = memorisablePairs();
        const auto base = model::Policy::load(m_model);
        const double before = meanMargin(base, pairs);
        const auto weightsHash = hashOfFile(m_model + "/model.safetensors");
        const auto out = m_dir.filePath(QStringLiteral("dpo")).toStdString();
        const auto result = runDpo(loraDpoConfig(), m_model, {}, pairs, out, {});
        QVERIFY2(result.outcome == Outcome::Succeeded, result.message.c_str());
        QCOMPARE(result.steps, std::int64_t(12));
        QCOMPARE(result.referenceComputedPairs, std::int64_t(pairs.size()));
        QCOMPARE(hashOfFile(m_model + "/model.safetensors"), weightsHash);
        // final/ is an adapter folder; it loads on its base and has learned the pairs.
        const auto final = out + "/final";
        QVERIFY(fs::is_regular_file(fs::path(final) / "adapter_config.json"));
        QVERIFY(!fs::exists(fs::path(final) / "model.safetensors"));
        QVERIFY(fs::is_regular_file(fs::path(final) / kTrainerStateFileName()));
        const auto trained = model::Policy::load(final);
        const double after = meanMargin(trained, pairs);
        qInfo("margin %.3f -> %.3f (dpo/loss %.4f)", before, after, result.metrics.at("dpo/loss"));
        QVERIFY2(after > before + 2.0, qPrintable(QString::number(after)));
        QVERIFY(result.metrics.at("dpo/loss") < 0.5);
        // Adapter off, the trained policy is the base again: the base never moved.
        model::LoraDisabled off(trained.module());
        QCOMPARE(meanMargin(trained, pairs), before);
        // The reference log-probs were the base's: the cache is keyed on the base folder.
        QVERIFY(fs::is_directory(fs::path(out) / "reference_cache"));
    }

    // bfloat16 weights: the frozen base is held in bfloat16 (half the memory),
    // the adapter, its gradients and AdamW state in float32, and it still learns.
    void aBfloat16BaseTrainsAFloat32Adapter()
    {
        const auto pairs = memorisablePairs();
        auto config = loraDpoConfig();
        config.dtype = "bfloat16";
        const auto out = m_dir.filePath(QStringLiteral("dpo-bf16")).toStdString();
        const auto result = runDpo(config, m_model, {}, pairs, out, {});
        QVERIFY2(result.outcome == Outcome::Succeeded, result.message.c_str());
        QVERIFY2(result.metrics.at("dpo/loss") < 0.3, qPrintable(QString::number(result.metrics.at("dpo/loss"))));
        for (const auto &[name, t] : adapterTensors(out + "/final"))
            QVERIFY2(t.scalar_type() == torch::kFloat32, name.c_str());
        const auto trained = model::Policy::load(out + "/final", {"cpu", "bfloat16"});
        QCOMPARE(trained.dtype(), std::string("bfloat16"));
        QVERIFY(trained.hasLora());
        QVERIFY(meanMargin(trained, pairs) > meanMargin(model::Policy::load(m_model, {"cpu", "bfloat16"}), pairs) + 2.0);
    }

    // A policy that already carries a trained adapter as its own reference: the
    // base (adapter off, the default) or itself as it starts (adapter on, what
    // an RLRF iteration wants); the two get separate cache entries.
    void theReferenceOfAnAdapterIsTheBaseOrTheStart()
    {
        const auto pairs = memorisablePairs();
        auto config = loraDpoConfig();
        config.epochs = 1;
        auto firstRewards = [&](AdapterReference which, const char *name) {
            auto policy = model::Policy::load(m_model);
            policy.addLora(lora(8), 3);
            {
                torch::NoGradGuard noGrad;
                torch::manual_seed(4);
                for (auto &[n, t] : policy.module().lora->tensors)
                    if (n.find("lora_B") != std::string::npos)
                        t.normal_(0.0, 0.05);
            }
            std::map<std::string, double> first;
            RunContext context;
            context.onMetric = [&first](std::int64_t step, const std::string &key, double value) {
                if (step == 1)
                    first[key] = value;
            };
            const auto out = m_dir.filePath(QString::fromLatin1(name)).toStdString();
            auto c = config;
            c.referenceCacheDir = m_dir.filePath(QStringLiteral("shared-cache")).toStdString();
            const auto result = trainDpo(c, policy, policy, m_model, pairs, out, context, {}, which);
            if (result.outcome != Outcome::Succeeded)
                qFatal("%s", result.message.c_str());
            return std::pair{first.at("dpo/rewards/chosen"), result.referenceComputedPairs};
        };
        const auto [startRewards, startComputed] = firstRewards(AdapterReference::Start, "start");
        const auto [baseRewards, baseComputed] = firstRewards(AdapterReference::Base, "base");
        QVERIFY2(std::abs(startRewards) < 1e-4, qPrintable(QString::number(startRewards))); // its own reference
        QVERIFY2(std::abs(baseRewards) > 1e-3, qPrintable(QString::number(baseRewards)));
        // One cache folder for both: the adapter-on values did not pass for the base's.
        QCOMPARE(startComputed, std::int64_t(pairs.size()));
        QCOMPARE(baseComputed, std::int64_t(pairs.size()));
    }

    // bfloat16 on a whole model: float32 master weights under bfloat16 autocast
    // (it learns, and the checkpoint is float32); bfloat16 weights handed to a
    // trainer to update directly would lose most updates to rounding: refused.
    void bfloat16WholeModelsTrainFloat32MasterWeights()
    {
        const auto pairs = memorisablePairs();
        auto config = loraDpoConfig();
        config.dtype = "bfloat16";
        config.lora = {};
        config.learningRate = 3e-3;
        const auto out = m_dir.filePath(QStringLiteral("bf16-full")).toStdString();
        const auto result = runDpo(config, m_model, {}, pairs, out, {});
        QVERIFY2(result.outcome == Outcome::Succeeded, result.message.c_str());
        const auto trained = model::Policy::load(out + "/final");
        QCOMPARE(trained.dtype(), std::string("float32"));
        const double before = meanMargin(model::Policy::load(m_model), pairs);
        const double after = meanMargin(trained, pairs);
        qInfo("bf16 autocast DPO: margin %.3f -> %.3f", before, after);
        QVERIFY2(after > before + 2.0, qPrintable(QString::number(after)));

        SftConfig sft;
        sft.dtype = "bfloat16";
        sft.maxSteps = 1;
        const auto bf16 = model::TextModel::load(m_model, {"cpu", "bfloat16"});
        SftData data;
        data.train.push_back({bf16.promptIds("Lily liked to", false), {395, 2}});
        const auto refused = runSft(sft, bf16, data, m_dir.filePath(QStringLiteral("bf16-sft")).toStdString(), {});
        QCOMPARE(int(refused.outcome), int(Outcome::Failed));
        QVERIFY2(refused.message.find("sft would update bfloat16 weights directly") != std::string::npos,
                 refused.message.c_str());
        RLRF_VERIFY_THROWS_WITH(trainDpo(config, bf16.policy(), bf16.policy(), m_model, pairs,
                                         m_dir.filePath(QStringLiteral("bf16-direct")).toStdString(), {}),
                                "dpo would update bfloat16 weights directly");
        // From a folder, SFT in bfloat16 loads float32 master weights and trains.
        sft.maxSteps = 3;
        const auto folderRun = runSft(sft, m_model, data, m_dir.filePath(QStringLiteral("bf16-sft-folder")).toStdString(), {});
        QVERIFY2(folderRun.outcome == Outcome::Succeeded, folderRun.message.c_str());
        sft.lora = lora(4);
        const auto adapted = runSft(sft, bf16, data, m_dir.filePath(QStringLiteral("bf16-sft-lora")).toStdString(), {});
        QVERIFY2(adapted.outcome == Outcome::Succeeded, adapted.message.c_str());
    }

    void anInterruptedLoraRunResumesToTheSameAdapter()
    {
        const auto pairs = memorisablePairs();
        auto config = loraDpoConfig();
        config.epochs = 3;
        config.checkpointEvery = 2;
        const auto straightOut = m_dir.filePath(QStringLiteral("straight")).toStdString();
        const auto straight = runDpo(config, m_model, {}, pairs, straightOut, {});
        QVERIFY2(straight.outcome == Outcome::Succeeded, straight.message.c_str());

        RunContext context;
        CancelToken cancel = context.cancel;
        context.onProgress = [cancel](const Progress &progress) mutable {
            if (progress.stage == "dpo" && progress.done == 3)
                cancel.requestStop();
        };
        const auto out = m_dir.filePath(QStringLiteral("interrupted")).toStdString();
        const auto stopped = runDpo(config, m_model, {}, pairs, out, context);
        QCOMPARE(int(stopped.outcome), int(Outcome::Cancelled));
        const auto checkpoint = out + "/checkpoint-3";
        QVERIFY(fs::is_regular_file(fs::path(checkpoint) / "adapter_model.safetensors"));
        QVERIFY(fs::is_regular_file(fs::path(checkpoint) / "optimizer.pt"));
        const auto resumed = runDpo(config, m_model, {}, pairs, out, {}, checkpoint);
        QVERIFY2(resumed.outcome == Outcome::Succeeded, resumed.message.c_str());
        QCOMPARE(resumed.resumedFromStep, std::int64_t(3));
        QCOMPARE(resumed.referenceComputedPairs, std::int64_t(0)); // the base's log-probs came from the cache
        const auto a = adapterTensors(straightOut + "/final");
        const auto b = adapterTensors(out + "/final");
        QCOMPARE(a.size(), b.size());
        for (const auto &[name, t] : a)
            QVERIFY2(torch::allclose(t, b.at(name), 1e-6, 1e-7), name.c_str());
        // A resume with other LoRA settings is refused: it would be another run.
        auto other = config;
        other.lora.rank = 4;
        RLRF_VERIFY_THROWS_WITH(runDpo(other, m_model, {}, pairs, out + "-other", {}, checkpoint), "lora");
    }

    void sftWithLoraMemorisesAndTrainsOnFromItsFolder()
    {
        const auto model = model::TextModel::load(m_model);
        SftData data;
        for (const auto &[prompt, answer] : {std::pair{"Lily liked to", " play with her red ball."},
                                             std::pair{"Tom saw a big", " dog in the park."}}) {
            auto ids = model.encode(answer);
            ids.push_back(2);
            data.train.push_back({model.promptIds(prompt, false), ids});
        }
        data.validation = data.train;
        SftConfig config;
        config.learningRate = 2e-2;
        config.warmupSteps = 2;
        config.maxSteps = 40;
        config.batchSize = 2;
        config.lora = lora(16);
        const auto out = m_dir.filePath(QStringLiteral("sft")).toStdString();
        double firstLoss = 0;
        RunContext context;
        context.onMetric = [&firstLoss](std::int64_t step, const std::string &key, double value) {
            if (key == "sft/loss" && step == 1)
                firstLoss = value;
        };
        const auto result = runSft(config, model, data, out, context);
        QVERIFY2(result.outcome == Outcome::Succeeded, result.message.c_str());
        qInfo("sft loss %.4f -> %.4f (eval %.4f)", firstLoss, result.finalLoss, result.finalEvalLoss);
        // Every answer token is learned; what is left is the EOS after it: the
        // model never wrote id 2 in pretraining, and with its embedding (tied to
        // the head) frozen, an adapter lifts that logit only slowly.
        QVERIFY2(result.finalEvalLoss < firstLoss / 5.0, qPrintable(QString::number(result.finalEvalLoss)));
        const auto trainedScores = model::TextModel::load(result.modelFolder)
                                       .policy()
                                       .scoreCompletions({data.train[0].promptIds}, {{data.train[0].answerIds.begin(),
                                                                                      data.train[0].answerIds.end() - 1}});
        for (const auto logp : trainedScores.at(0))
            QVERIFY2(logp > -0.05, qPrintable(QString::number(logp)));
        QVERIFY(fs::is_regular_file(fs::path(result.modelFolder) / "adapter_config.json"));
        QVERIFY(fs::is_regular_file(fs::path(result.modelFolder) / "tokenizer.json"));
        // The adapter folder is a model as far as text goes.
        const auto trained = model::TextModel::load(result.modelFolder);
        QVERIFY(trained.policy().hasLora());
        model::GenerationOptions options;
        options.maxNewTokens = 16;
        options.sampling.temperature = 0.0;
        const auto sample = trained.generate({trained.promptIds("Lily liked to", false)}, options).at(0);
        const auto answer = trained.decode(trained.encode(" play with her red ball."));
        QVERIFY2(sample.text.rfind(answer, 0) == 0, sample.text.c_str());

        // The adapter folder trains on as itself; a second adapter on top is refused.
        auto more = config;
        more.maxSteps = 2;
        more.lora = {};
        const auto again = runSft(more, result.modelFolder, data, out + "-more", {});
        QVERIFY2(again.outcome == Outcome::Succeeded, again.message.c_str());
        QVERIFY(fs::is_regular_file(fs::path(again.modelFolder) / "adapter_config.json"));
        auto conflicting = more;
        conflicting.lora = lora(4);
        const auto refused = runSft(conflicting, result.modelFolder, data, out + "-conflict", {});
        QCOMPARE(int(refused.outcome), int(Outcome::Failed));
        QVERIFY2(refused.message.find("already carries a LoRA adapter") != std::string::npos, refused.message.c_str());
    }

private:
    static const char *kTrainerStateFileName() { return "trainer_state.json"; }

    QTemporaryDir m_dir;
    std::string m_model;
};

QTEST_GUILESS_MAIN(TestLoraTraining)
#include "tst_lora_training.moc"
