// SPDX-License-Identifier: GPL-3.0-or-later
// Pausing and resuming a DPO run is the same as never pausing. On the real
// stories260K model (shared/data/models/stories260K, converted here) and four text
// pairs encoded with its own tokenizer, one run trains 8 steps straight; a second is
// cancelled after step 3 (inside the warm-up, in the middle of the second epoch)
// and resumed from its checkpoint. The resumed run must end with the same weights
// (max |diff| <= 1e-6; on CPU with one thread every operation is repeated in the
// same order on the same bits, so the diff is expected to be 0) and report the same
// loss and learning rate at steps 4..8. A checkpoint trained with another beta, on
// other pairs or against another reference, and one without optimizer state or
// resume block (as written before resumable checkpoints), are refused with an
// rlrf::Error naming the checkpoint's file and the field, and so are a hand-edited
// resume block and an unreadable optimizer.pt.
#include <torch/torch.h>

#include "common/error_assert.h"
#include "common/stories_fixture.h"
#include "core/json_io.h"
#include "model/llama_model.h"
#include "model/policy.h"
#include "model/text_model.h"
#include "train/dpo_trainer.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

using namespace rlrf;
using namespace rlrf::train;
namespace fs = std::filesystem;

namespace {

// Stories in the TinyStories style the model was trained on: chosen continues the
// prompt sensibly, rejected does not.
const char *const kPairsJsonl =
    R"({"prompt": "Once upon a time, there was a little girl named Lily.", "chosen": " She liked to play in the park with her dog.", "rejected": " The the the park park dog."})"
    "\n"
    R"({"prompt": "Tom had a big red ball.", "chosen": " He threw it to his friend Sam.", "rejected": " Ball red big a had Tom."})"
    "\n"
    R"({"prompt": "The sun was shining and the birds were singing.", "chosen": " Mia went outside to play.", "rejected": " Shining sun sun was birds."})"
    "\n"
    R"({"prompt": "One day, a cat found a little box.", "chosen": " The cat was very happy and played with it.", "rejected": " Box box little a found cat day one."})"
    "\n";

// 4 pairs, batch 1, 2 micro-batches a step: 2 steps an epoch, 8 in 4 epochs, the
// first 4 of them warm-up, then a cosine decay; weight decay makes AdamW's
// decoupled term matter too.
DpoConfig resumeConfig()
{
    DpoConfig config;
    config.beta = 0.1;
    config.learningRate = 2e-3;
    config.schedule = "cosine";
    config.warmupRatio = 0.5;
    config.batchSize = 1;
    config.gradientAccumulation = 2;
    config.epochs = 4;
    config.weightDecay = 0.01;
    config.seed = 7;
    return config;
}

constexpr std::int64_t kTotalSteps = 8;
constexpr std::int64_t kPausedAt = 3;

struct StepMetrics {
    double loss = NAN;
    double learningRate = NAN;
};

// Largest |a - b| over all parameters of two saved models, by name.
double maxWeightDiff(const std::string &a, const std::string &b)
{
    const auto left = model::Policy::load(a);
    const auto right = model::Policy::load(b);
    const auto rightParameters = right.module().named_parameters();
    double worst = 0.0;
    for (const auto &item : left.module().named_parameters()) {
        const auto *other = rightParameters.find(item.key());
        if (other == nullptr)
            return INFINITY;
        worst = std::max(worst, (item.value() - *other).abs().max().item<double>());
    }
    return worst;
}

} // namespace

class TestDpoResume : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        torch::set_num_threads(1); // one thread: the same summation order in both runs
        QVERIFY(m_dir.isValid());
        m_model = test::convertStories260K(m_dir.filePath(QStringLiteral("model")));
        const auto file = m_dir.filePath(QStringLiteral("pairs.jsonl")).toStdString();
        std::ofstream(file) << kPairsJsonl;
        const auto text = model::TextModel::load(m_model);
        m_pairs = readDpoPairs(file, &text);
        QCOMPARE(m_pairs.size(), std::size_t(4));
    }

    void aResumedRunEndsWhereTheStraightRunEnds()
    {
        const auto straight = train("straight", {}, -1);
        QCOMPARE(toString(straight.result.outcome), "succeeded");
        QCOMPARE(straight.result.steps, kTotalSteps);

        const auto interrupted = train("interrupted", {}, kPausedAt);
        QCOMPARE(toString(interrupted.result.outcome), "cancelled");
        QCOMPARE(interrupted.result.steps, kPausedAt);
        const auto checkpoint = interrupted.result.checkpoint;
        QCOMPARE(QString::fromStdString(checkpoint), m_dir.filePath(QStringLiteral("interrupted/checkpoint-3")));
        QVERIFY(fs::exists(checkpoint + "/optimizer.pt"));
        const auto state = json::readFile(checkpoint + "/trainer_state.json");
        QCOMPARE(state["global_step"].get<int>(), 3);
        QCOMPARE(state["resume"]["epoch_index"].get<int>(), 1); // step 4 is epoch 1's second step,
        QCOMPARE(state["resume"]["micro_batch"].get<int>(), 2); // starting at its third micro-batch

        // Into another output folder: the reference log-probs come from the cache
        // beside the checkpoint, not from the reference model.
        const auto resumed = train("resumed", checkpoint, -1);
        QCOMPARE(toString(resumed.result.outcome), "succeeded");
        QCOMPARE(resumed.result.steps, kTotalSteps);
        QCOMPARE(resumed.result.resumedFromStep, kPausedAt);
        QCOMPARE(resumed.result.referenceComputedPairs, std::int64_t(0));

        // The resumed run reports steps 4..8 only, with the straight run's numbers:
        // the warm-up is not restarted (step 4 has the peak rate, not a quarter of it).
        QCOMPARE(resumed.steps.size(), std::size_t(kTotalSteps - kPausedAt));
        QCOMPARE(resumed.steps.begin()->first, kPausedAt + 1);
        QCOMPARE(resumed.steps.at(4).learningRate, 2e-3);
        double worstLoss = 0.0;
        for (const auto &[step, metrics] : resumed.steps) {
            const auto &expected = straight.steps.at(step);
            QCOMPARE(metrics.learningRate, expected.learningRate);
            worstLoss = std::max(worstLoss, std::abs(metrics.loss - expected.loss));
        }
        qInfo("max |loss diff| over steps 4..8: %g", worstLoss);
        QVERIFY2(worstLoss <= 1e-6, qPrintable(QString::number(worstLoss)));

        // The loss moved, so equal losses say something.
        QVERIFY(std::abs(straight.steps.at(8).loss - straight.steps.at(1).loss) > 1e-3);
        const double moved = maxWeightDiff(m_model, straight.result.checkpoint);
        QVERIFY2(moved > 1e-4, qPrintable(QString::number(moved)));
        const double diff = maxWeightDiff(straight.result.checkpoint, resumed.result.checkpoint);
        qInfo("max |weight diff| straight vs resumed: %g (training moved weights by up to %g)", diff, moved);
        QVERIFY2(diff <= 1e-6, qPrintable(QString::number(diff)));

        // The final trainer_state.json carries the whole history, steps 1..8.
        const auto finalState = json::readFile(resumed.result.checkpoint + "/trainer_state.json");
        QCOMPARE(finalState["log_history"].size(), std::size_t(kTotalSteps));
        QCOMPARE(finalState["log_history"][0]["step"].get<int>(), 1);
        QCOMPARE(finalState["log_history"][7]["step"].get<int>(), 8);
        m_checkpoint = checkpoint;
        m_final = straight.result.checkpoint;
    }

    void aDifferentBetaIsRefused()
    {
        QVERIFY2(!m_checkpoint.empty(), "needs the first test's checkpoint");
        auto config = resumeConfig();
        config.beta = 0.2;
        RLRF_VERIFY_THROWS_WITH(resumeWith(config, m_pairs, m_checkpoint), "'beta'");
        RLRF_VERIFY_THROWS_WITH(resumeWith(config, m_pairs, m_checkpoint), m_checkpoint + "/trainer_state.json");
        RLRF_VERIFY_THROWS_WITH(resumeWith(config, m_pairs, m_checkpoint), "trained with beta = 0.1");
    }

    void aDifferentPairSetIsRefused()
    {
        QVERIFY2(!m_checkpoint.empty(), "needs the first test's checkpoint");
        auto fewer = m_pairs;
        fewer.pop_back();
        RLRF_VERIFY_THROWS_WITH(resumeWith(resumeConfig(), fewer, m_checkpoint), "another pair set (4 pairs");
        auto swapped = m_pairs;
        std::swap(swapped[0].chosen, swapped[0].rejected);
        RLRF_VERIFY_THROWS_WITH(resumeWith(resumeConfig(), swapped, m_checkpoint), "'pairs'");
    }

    void aDifferentReferenceIsRefused()
    {
        QVERIFY2(!m_checkpoint.empty(), "needs the first test's checkpoint");
        RLRF_VERIFY_THROWS_WITH(runDpo(resumeConfig(), m_model, m_final, m_pairs, out("other-ref"), {}, m_checkpoint),
                                "'reference_model'");
    }

    void aCheckpointWithoutOptimizerStateIsRefused()
    {
        QVERIFY2(!m_checkpoint.empty(), "needs the first test's checkpoint");
        const auto old = out("old-checkpoint");
        fs::copy(m_checkpoint, old, fs::copy_options::recursive);
        fs::remove(old + "/optimizer.pt");
        RLRF_VERIFY_THROWS_WITH(resumeWith(resumeConfig(), m_pairs, old), "no optimizer state");
        RLRF_VERIFY_THROWS_WITH(resumeWith(resumeConfig(), m_pairs, old), old + "/optimizer.pt");
        // trainer_state.json as checkpoints had it before: no resume block.
        auto state = json::readFile(old + "/trainer_state.json");
        state.erase("resume");
        json::writeFileAtomically(old + "/trainer_state.json", state.dump(2));
        RLRF_VERIFY_THROWS_WITH(resumeWith(resumeConfig(), m_pairs, old), "no resume state");
        RLRF_VERIFY_THROWS_WITH(resumeWith(resumeConfig(), m_pairs, old), "'resume'");
        // A final model is an end, not a pause.
        RLRF_VERIFY_THROWS_WITH(resumeWith(resumeConfig(), m_pairs, m_final), "no resume state");
        RLRF_VERIFY_THROWS_WITH(resumeWith(resumeConfig(), m_pairs, out("nowhere")), "not a checkpoint folder");
    }

    void aMalformedResumeStateIsRefused()
    {
        QVERIFY2(!m_checkpoint.empty(), "needs the first test's checkpoint");
        const auto edited = out("edited-checkpoint");
        fs::copy(m_checkpoint, edited, fs::copy_options::recursive);
        auto state = json::readFile(edited + "/trainer_state.json");
        state["resume"]["fingerprint"] = "by hand";
        json::writeFileAtomically(edited + "/trainer_state.json", state.dump(2));
        RLRF_VERIFY_THROWS_WITH(resumeWith(resumeConfig(), m_pairs, edited), "malformed resume state");
        state = json::readFile(m_checkpoint + "/trainer_state.json");
        state["resume"]["micro_batch"] = 0; // does not match global_step 3
        json::writeFileAtomically(edited + "/trainer_state.json", state.dump(2));
        RLRF_VERIFY_THROWS_WITH(resumeWith(resumeConfig(), m_pairs, edited), "plan position does not match");
        state["global_step"] = 99;
        json::writeFileAtomically(edited + "/trainer_state.json", state.dump(2));
        RLRF_VERIFY_THROWS_WITH(resumeWith(resumeConfig(), m_pairs, edited), "'global_step'");
        // A resume state of another (future) format, a format as text, or none.
        const std::string file = edited + "/trainer_state.json";
        for (const auto &[format, shown] : std::vector<std::pair<nlohmann::json, std::string>>{
                 {99, "99"}, {"1", "\"1\""}, {nullptr, "nothing"}}) {
            state = json::readFile(m_checkpoint + "/trainer_state.json");
            if (format.is_null())
                state["resume"].erase("format");
            else
                state["resume"]["format"] = format;
            json::writeFileAtomically(file, state.dump(2));
            RLRF_VERIFY_THROWS_WITH(resumeWith(resumeConfig(), m_pairs, edited),
                                    file + ": 'resume.format': cannot resume: unknown resume format " + shown
                                        + " (this version writes and reads 1)");
        }
    }

    void anUnreadableOptimizerStateIsRefused()
    {
        QVERIFY2(!m_checkpoint.empty(), "needs the first test's checkpoint");
        const auto broken = out("broken-checkpoint");
        fs::copy(m_checkpoint, broken, fs::copy_options::recursive);
        std::ofstream(broken + "/optimizer.pt", std::ios::trunc) << "not a torch archive";
        RLRF_VERIFY_THROWS_WITH(resumeWith(resumeConfig(), m_pairs, broken), "unreadable optimizer state");
    }

private:
    struct Run {
        DpoResult result;
        std::map<std::int64_t, StepMetrics> steps;
    };

    // Trains into <dir>/<name>; cancels once step `cancelAfter` is reported (-1: never).
    Run train(const char *name, const std::string &resumeFrom, std::int64_t cancelAfter)
    {
        Run run;
        RunContext context;
        context.onMetric = [&run](std::int64_t step, const std::string &key, double value) {
            if (key == "dpo/loss")
                run.steps[step].loss = value;
            if (key == "dpo/learning_rate")
                run.steps[step].learningRate = value;
        };
        CancelToken cancel = context.cancel; // shares the flag
        context.onProgress = [cancel, cancelAfter](const Progress &progress) mutable {
            if (progress.stage == "dpo" && progress.done == cancelAfter)
                cancel.requestStop();
        };
        run.result = runDpo(resumeConfig(), m_model, {}, m_pairs, out(name), context, resumeFrom);
        return run;
    }

    DpoResult resumeWith(const DpoConfig &config, const std::vector<DpoPair> &pairs, const std::string &checkpoint)
    {
        return runDpo(config, m_model, {}, pairs, out("refused"), {}, checkpoint);
    }

    std::string out(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)).toStdString(); }

    QTemporaryDir m_dir;
    std::string m_model, m_checkpoint, m_final;
    std::vector<DpoPair> m_pairs;
};

QTEST_GUILESS_MAIN(TestDpoResume)
#include "tst_dpo_resume.moc"
