// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/sft_trainer.h"

#include "train/lr_schedule.h"

#include "core/error.h"
#include "core/logging.h"
#include "core/torch_compat.h"
#include "model/llama_model.h"
#include "model/lora.h"
#include "model/ordered_jobs.h"
#include "train/batching.h"
#include "train/optimizer_factory.h"
#include "train/precision_rule.h"
#include "train/sft_plan.h"
#include "train/sharded_backward.h"
#include "train/stability_guard.h"
#include "types/metric_names.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>

namespace rlrf::train {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct StepOutcome {
    double loss = 0.0;
    double gradNorm = 0.0;
    std::int64_t tokens = 0; // prompt + answer tokens fed through the model
};

// The settings that decide which examples a step sees must not change on resume.
void checkResumable(const SftConfig &now, const SftConfig &saved, const std::string &folder)
{
    const std::string file = (std::filesystem::path(folder) / kTrainerStateFile).string();
    auto same = [&](bool equal, const std::string &field) {
        if (!equal)
            throw Error("differs between the checkpoint and this run, so the resumed run would see other examples",
                        {file, 0, field});
    };
    same(now.seed == saved.seed, "seed");
    same(now.batchSize == saved.batchSize, "batch_size");
    same(now.gradientAccumulation == saved.gradientAccumulation, "gradient_accumulation");
}

std::vector<std::size_t> exampleLengths(const std::vector<SftExample> &examples)
{
    std::vector<std::size_t> lengths;
    lengths.reserve(examples.size());
    for (const auto &e : examples)
        lengths.push_back(e.promptIds.size() + e.answerIds.size());
    return lengths;
}

class SftLoop {
public:
    SftLoop(const SftJob &job, const SftData &data, const RunContext &context, const SftHooks &hooks)
        : m_job(job), m_data(data), m_context(context), m_hooks(hooks), m_module(job.policy.module()),
          m_plan(job.config, exampleLengths(data.train))
    {
    }

    SftResult run();

private:
    StepOutcome trainStep(std::int64_t step);
    double evalLoss();
    void checkpoint(std::int64_t step, double loss);
    void restore(std::int64_t &step, double &loss);
    void report(std::int64_t stepDone, const StepOutcome &out, double lr, double seconds);
    void finish(std::int64_t step, double loss);
    ScheduleConfig schedule() const;

    const SftJob &m_job;
    const SftData &m_data;
    const RunContext &m_context;
    const SftHooks &m_hooks;
    model::LlamaModelImpl &m_module;
    SftPlan m_plan;
    std::size_t m_shards = 1; // the most a micro-batch is split into (sharded_backward.h)
    std::unique_ptr<torch::optim::AdamW> m_optimizer;
    SftResult m_result;
};

ScheduleConfig SftLoop::schedule() const
{
    const auto &c = m_job.config;
    ScheduleConfig s;
    s.peakLearningRate = c.learningRate;
    s.kind = c.schedule;
    s.totalSteps = m_plan.totalSteps();
    s.warmupSteps = c.warmupSteps >= 0 ? c.warmupSteps : warmupStepsFromRatio(c.warmupRatio, s.totalSteps);
    s.minLearningRateRatio = c.minLearningRateRatio;
    return s;
}

StepOutcome SftLoop::trainStep(std::int64_t step)
{
    const auto &config = m_job.config;
    const auto vocab = m_module.config().vocabSize;
    const auto maxLength = m_module.config().maxPositionEmbeddings;
    // Each micro-batch is split into shards that train side by side on a CPU
    // (sharded_backward.h); each shard adds its share of the mean over the whole
    // step's answer tokens.
    std::vector<std::vector<std::vector<std::size_t>>> shardsOfBatch;
    std::int64_t answerTokens = 0;
    for (const auto &indices : m_plan.step(step)) {
        const auto shards = std::max<std::size_t>(1, std::min(m_shards, indices.size()));
        auto &parts = shardsOfBatch.emplace_back();
        for (std::size_t s = 0; s < shards; ++s) {
            const auto [begin, end] = shardRange(indices.size(), shards, s);
            parts.emplace_back(indices.begin() + static_cast<std::ptrdiff_t>(begin),
                               indices.begin() + static_cast<std::ptrdiff_t>(end));
            for (const auto i : parts.back())
                answerTokens += static_cast<std::int64_t>(m_data.train[i].answerIds.size());
        }
    }
    StepOutcome out;
    m_optimizer->zero_grad();
    // bfloat16 asked for, float32 weights held: master weights under autocast.
    const bool autocast = config.dtype == "bfloat16" && m_module.dtype() == torch::kFloat32 && !m_module.lora;
    const auto parameters = model::trainableParameters(m_module);
    for (const auto &parts : shardsOfBatch) {
        std::vector<double> losses(parts.size(), 0.0);
        std::vector<std::int64_t> tokens(parts.size(), 0);
        backwardInShards(parameters, parts.size(), [&](std::size_t s) {
            const auto batch = makeSftBatch(m_data.train, parts[s], vocab, maxLength);
            torch::Tensor logits;
            {
                compat::Bf16Autocast bf16(autocast, m_module.device().is_cuda());
                logits = answerLogits(m_module, batch).to(torch::kFloat32);
            }
            const auto loss = nllSum(logits, answerTargets(batch)) / static_cast<double>(answerTokens);
            losses[s] = loss.item<double>();
            requireFinite(losses[s], "loss", step + 1);
            tokens[s] = batch.keyMask.sum().item<std::int64_t>() + static_cast<std::int64_t>(batch.keyMask.size(0));
            return loss;
        });
        for (std::size_t s = 0; s < parts.size(); ++s) {
            out.loss += losses[s];
            out.tokens += tokens[s];
        }
    }
    const double maxNorm = config.maxGradNorm > 0 ? config.maxGradNorm : std::numeric_limits<double>::infinity();
    out.gradNorm = compat::clipGradNorm(model::trainableParameters(m_module), maxNorm);
    requireFinite(out.gradNorm, "gradient norm", step + 1);
    m_optimizer->step();
    return out;
}

double SftLoop::evalLoss()
{
    if (m_data.validation.empty())
        return kNaN;
    torch::NoGradGuard noGrad;
    const auto vocab = m_module.config().vocabSize;
    const auto maxLength = m_module.config().maxPositionEmbeddings;
    double sum = 0.0;
    std::int64_t tokens = 0;
    const auto size = m_data.validation.size();
    const auto batchSize = static_cast<std::size_t>(m_job.config.batchSize);
    for (std::size_t begin = 0; begin < size; begin += batchSize) {
        std::vector<std::size_t> indices;
        for (std::size_t i = begin; i < std::min(size, begin + batchSize); ++i)
            indices.push_back(i);
        const auto batch = makeSftBatch(m_data.validation, indices, vocab, maxLength);
        sum += nllSum(answerLogits(m_module, batch), answerTargets(batch)).item<double>();
        tokens += batch.answerTokens;
    }
    return sum / static_cast<double>(tokens);
}

void SftLoop::checkpoint(std::int64_t step, double loss)
{
    TrainerState state{step, m_plan.totalSteps(), loss, m_job.config};
    const auto folder = checkpointFolder(m_job.outFolder, step);
    saveCheckpoint(folder, m_job.saveModel, *m_optimizer, state);
    m_result.lastCheckpoint = folder;
}

SftResult SftLoop::run()
{
    const auto &config = m_job.config;
    checkSftExamples(m_data.train, m_module.config().vocabSize, m_module.config().maxPositionEmbeddings,
                     "training example");
    checkSftExamples(m_data.validation, m_module.config().vocabSize, m_module.config().maxPositionEmbeddings,
                     "validation example");
    torch::manual_seed(config.seed);
    torch::AutoGradMode gradMode(true);
    m_module.train();
    m_module.setGradientCheckpointing(config.gradientCheckpointing);
    m_optimizer = makeAdamW(m_module, config);
    std::int64_t step = 0;
    double loss = kNaN;
    if (!m_job.resumeFrom.empty())
        restore(step, loss);
    const auto plan = schedule();
    const auto total = m_plan.totalSteps();
    m_result.totalSteps = total;
    m_shards = trainingShards(m_module.device());
    std::optional<model::SingleIntraOpThread> oneThread;
    if (m_shards > 1)
        oneThread.emplace();
    for (; step < total; ++step) {
        if (m_context.stopRequested()) {
            checkpoint(step, loss);
            m_result.outcome = Outcome::Cancelled;
            m_result.message = "cancelled after step " + std::to_string(step);
            break;
        }
        const double lr = learningRateAt(plan, step);
        setLearningRate(*m_optimizer, lr);
        const auto started = std::chrono::steady_clock::now();
        StepOutcome out;
        try {
            out = trainStep(step);
        } catch (const NonFiniteError &e) {
            m_optimizer->zero_grad();
            m_result.outcome = Outcome::Failed;
            m_result.message = std::string(e.what()) + "; last good checkpoint: "
                               + (m_result.lastCheckpoint.empty() ? "none written" : m_result.lastCheckpoint);
            log::get("train")->error("{}", m_result.message);
            break;
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        loss = out.loss;
        report(step + 1, out, lr, seconds);
        if (m_hooks.afterStep)
            m_hooks.afterStep(step + 1, m_module);
        const bool last = step + 1 == total;
        if (!last && config.checkpointEvery > 0 && (step + 1) % config.checkpointEvery == 0) {
            checkpoint(step + 1, loss);
            if (!m_data.validation.empty())
                m_context.metric(step + 1, metrics::kSftEvalLoss, evalLoss());
        }
    }
    m_result.steps = step;
    m_result.finalLoss = loss;
    m_result.finalEvalLoss = kNaN;
    if (step == total && m_result.message.empty())
        finish(step, loss);
    return m_result;
}

void SftLoop::restore(std::int64_t &step, double &loss)
{
    const auto state = readTrainerState(m_job.resumeFrom);
    checkResumable(m_job.config, state.config, m_job.resumeFrom);
    loadOptimizerState(*m_optimizer, m_job.resumeFrom);
    step = state.step;
    loss = state.loss;
    m_result.lastCheckpoint = m_job.resumeFrom;
    log::get("train")->info("resuming from {} at step {}", m_job.resumeFrom, step);
}

void SftLoop::report(std::int64_t stepDone, const StepOutcome &out, double lr, double seconds)
{
    m_context.metric(stepDone, metrics::kSftLoss, out.loss);
    m_context.metric(stepDone, metrics::kSftGradNorm, out.gradNorm); // before clipping
    m_context.metric(stepDone, metrics::kSftLearningRate, lr);
    m_context.metric(stepDone, metrics::kSftTokensPerSecond, seconds > 0 ? static_cast<double>(out.tokens) / seconds : 0.0);
    m_context.progress(stepDone, m_plan.totalSteps(), "sft");
}

void SftLoop::finish(std::int64_t step, double loss)
{
    checkpoint(step, loss);
    m_result.finalEvalLoss = evalLoss();
    if (!m_data.validation.empty())
        m_context.metric(step, metrics::kSftEvalLoss, m_result.finalEvalLoss);
    const auto final = (std::filesystem::path(m_job.outFolder) / "final").string();
    std::error_code ec;
    std::filesystem::remove_all(final, ec);
    m_job.saveModel(final);
    m_result.modelFolder = final;
    m_result.outcome = Outcome::Succeeded;
}

} // namespace

SftResult trainSft(const SftJob &job, const SftData &data, const RunContext &context, const SftHooks &hooks)
{
    validate(job.config);
    requireTrainablePrecision(job.policy, "sft");
    std::filesystem::create_directories(job.outFolder);
    SftLoop loop(job, data, context, hooks);
    return loop.run();
}

} // namespace rlrf::train
