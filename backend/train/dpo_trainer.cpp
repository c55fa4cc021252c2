// SPDX-License-Identifier: GPL-3.0-or-later
// The DPO loop: plan the steps, fetch reference log-probs, then per optimizer step
// accumulate micro-batches (dpo_trainer_step), clip, AdamW, report, checkpoint.
// A resumed run restores weights, AdamW moments, step and log history from a
// checkpoint and continues the seeded plan at the step after it (dpo_resume.h).
#include "train/dpo_trainer.h"

#include <torch/torch.h>

#include "core/error.h"
#include "core/logging.h"
#include "core/torch_compat.h"
#include "model/adapter_folder.h"
#include "model/llama_model.h"
#include "model/lora.h"
#include "model/ordered_jobs.h"
#include "model/policy.h"
#include "model/safetensors_reader.h"
#include "model/torch_tensor_views.h"
#include "train/dpo_resume.h"
#include "train/dpo_step_plan.h"
#include "train/dpo_trainer_checkpoint.h"
#include "train/dpo_trainer_step.h"
#include "train/lora_setup.h"
#include "train/lr_schedule.h"
#include "train/precision_rule.h"
#include "train/reference_logprobs.h"
#include "train/sharded_backward.h"
#include "types/metric_names.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <numeric>
#include <optional>

namespace rlrf::train {

namespace {

void validatePairs(const std::vector<DpoPair> &pairs, std::int64_t vocab)
{
    if (pairs.empty())
        throw Error("no preference pairs to train on");
    auto check = [vocab](const std::vector<std::int64_t> &ids, std::size_t index, const char *field) {
        if (ids.empty())
            throw Error("pair " + std::to_string(index + 1) + " has no tokens", {"", 0, field});
        for (const auto id : ids)
            if (id < 0 || id >= vocab)
                throw Error("pair " + std::to_string(index + 1) + " has token id " + std::to_string(id)
                                + " outside the vocabulary of " + std::to_string(vocab),
                            {"", 0, field});
    };
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        check(pairs[i].prompt, i, "prompt_ids");
        check(pairs[i].chosen, i, "chosen_ids");
        check(pairs[i].rejected, i, "rejected_ids");
    }
}

struct Plan {
    std::int64_t microPerEpoch = 0;
    std::int64_t stepsPerEpoch = 0;
    std::int64_t totalSteps = 0;
    ScheduleConfig schedule;
};

Plan makePlan(const DpoConfig &config, std::size_t pairCount)
{
    Plan plan;
    const auto n = static_cast<std::int64_t>(pairCount);
    plan.microPerEpoch = (n + config.batchSize - 1) / config.batchSize;
    plan.stepsPerEpoch = (plan.microPerEpoch + config.gradientAccumulation - 1) / config.gradientAccumulation;
    plan.totalSteps = plan.stepsPerEpoch * config.epochs;
    plan.schedule.peakLearningRate = config.learningRate;
    plan.schedule.kind = scheduleKindFromString(config.schedule);
    plan.schedule.totalSteps = plan.totalSteps;
    plan.schedule.warmupSteps = warmupStepsFromRatio(config.warmupRatio, plan.totalSteps);
    return plan;
}

// Everything one run carries from step to step.
class DpoRun {
public:
    DpoRun(const DpoConfig &config, const model::Policy &policy, const std::vector<DpoPair> &pairs,
           ReferenceLogProbs reference, std::string output, const RunContext &context, nlohmann::json fingerprint,
           std::optional<DpoResumePoint> resume)
        : m_config(config), m_policy(policy), m_pairs(pairs), m_reference(std::move(reference)),
          m_output(std::move(output)), m_context(context), m_plan(makePlan(config, pairs.size())),
          m_fingerprint(std::move(fingerprint)), m_resume(std::move(resume))
    {
        m_result.totalSteps = m_plan.totalSteps;
        m_result.referenceComputedPairs = m_reference.computedPairs;
        m_stepOptions.loss = {preferenceLossFromString(config.lossType), config.beta, config.labelSmoothing};
        m_stepOptions.nllWeight = config.nllWeight;
        // bfloat16 asked for and the weights held in float32: they are the master
        // weights and the passes run under bfloat16 autocast (a LoRA run holds its
        // frozen base in bfloat16 instead and needs none).
        m_stepOptions.bf16Autocast = config.dtype == "bfloat16" && policy.dtype() == "float32" && !policy.hasLora();
        m_stepOptions.autocastOnCuda = config.device.rfind("cuda", 0) == 0;
    }

    DpoResult run();

private:
    std::vector<DpoMicroBatch> epochBatches(std::int64_t epoch) const;
    void makeOptimizer();
    void restore(const DpoResumePoint &point);
    void restoreAdapter(const std::string &folder);
    void restoreWeights(const std::string &folder);
    bool step(const std::vector<DpoMicroBatch> &batches, std::int64_t first);
    void record(const DpoStepSums &sums, double gradNorm, double lr, double seconds);
    void emit() const;
    void checkpoint(const std::string &name, bool resumable);
    DpoResult stop(Outcome outcome, const std::string &message);

    const DpoConfig &m_config;
    const model::Policy &m_policy;
    const std::vector<DpoPair> &m_pairs;
    ReferenceLogProbs m_reference;
    std::string m_output;
    const RunContext &m_context;
    Plan m_plan;
    nlohmann::json m_fingerprint;
    std::optional<DpoResumePoint> m_resume;
    std::unique_ptr<torch::optim::AdamW> m_optimizer;
    DpoStepOptions m_stepOptions;
    DpoResult m_result;
    std::int64_t m_step = 0;
    nlohmann::json m_history = nlohmann::json::array();
};

std::vector<DpoMicroBatch> DpoRun::epochBatches(std::int64_t epoch) const
{
    const auto order = dpoEpochOrder(m_config.seed, epoch, m_pairs.size());
    std::vector<DpoMicroBatch> batches;
    for (std::size_t start = 0; start < order.size(); start += static_cast<std::size_t>(m_config.batchSize)) {
        DpoMicroBatch batch;
        const auto end = std::min(order.size(), start + static_cast<std::size_t>(m_config.batchSize));
        for (std::size_t i = start; i < end; ++i) {
            batch.pairs.push_back(&m_pairs[order[i]]);
            batch.referenceChosen.push_back(m_reference.chosen[order[i]]);
            batch.referenceRejected.push_back(m_reference.rejected[order[i]]);
        }
        batches.push_back(std::move(batch));
    }
    return batches;
}

void DpoRun::makeOptimizer()
{
    const auto parameters = model::trainableParameters(m_policy.module());
    std::int64_t trainable = 0, total = 0;
    for (const auto &p : parameters)
        trainable += p.numel();
    for (const auto &p : m_policy.module().parameters())
        total += p.numel();
    log::get("train")->info("dpo: {} trainable parameters{}, {} in the model", trainable,
                            m_policy.hasLora() ? " (a LoRA adapter on the frozen model)" : "", total);
    m_optimizer = std::make_unique<torch::optim::AdamW>(
        parameters, torch::optim::AdamWOptions(m_config.learningRate).weight_decay(m_config.weightDecay));
}

// The checkpoint's weights replace the policy's, its AdamW state the fresh one's;
// the step, and with it the schedule and the plan position, continue from it.
void DpoRun::restore(const DpoResumePoint &point)
{
    if (m_policy.hasLora()) // only the adapter changed: read it alone, not a second copy of the base
        restoreAdapter(point.folder);
    else
        restoreWeights(point.folder);
    const std::string file = (std::filesystem::path(point.folder) / kDpoOptimizerFile).string();
    try {
        torch::load(*m_optimizer, file, m_optimizer->param_groups()[0].params()[0].device());
    } catch (const c10::Error &e) {
        throw Error(std::string("cannot resume: unreadable optimizer state: ") + e.what_without_backtrace(), {file});
    }
    m_step = point.step;
    m_history = point.logHistory;
    m_result.steps = m_step;
    m_result.resumedFromStep = m_step;
    m_result.checkpoint = point.folder; // the last good one until this run writes another
    log::get("train")->info("dpo: resuming from {} at step {} of {}", point.folder, m_step, m_plan.totalSteps);
}

void DpoRun::restoreAdapter(const std::string &folder)
{
    const auto file = model::SafetensorsFile::open(model::adapterWeightsPath(folder));
    torch::NoGradGuard noGrad;
    for (auto &[name, tensor] : m_policy.module().lora->tensors) {
        const auto *view = file.find(name);
        if (view == nullptr || !torch::IntArrayRef(view->shape).equals(tensor.sizes()))
            throw Error("cannot resume: the checkpoint's adapter does not fit this one", {file.path(), 0, name});
        tensor.copy_(model::toTensor(*view));
    }
}

void DpoRun::restoreWeights(const std::string &folder)
{
    const DpoResumePoint point{folder};
    const auto saved = model::Policy::load(point.folder, {m_policy.device(), m_policy.dtype()});
    const auto savedParameters = saved.module().named_parameters();
    {
        torch::NoGradGuard noGrad;
        for (auto &item : m_policy.module().named_parameters()) {
            const auto *source = savedParameters.find(item.key());
            if (source == nullptr || !source->sizes().equals(item.value().sizes()))
                throw Error("cannot resume: the checkpoint's weights do not fit the model", {point.folder, 0, item.key()});
            item.value().copy_(*source);
        }
    }
}

DpoResult DpoRun::run()
{
    m_policy.module().train();
    m_policy.module().setGradientCheckpointing(m_config.gradientCheckpointing);
    makeOptimizer();
    if (m_resume)
        restore(*m_resume);
    const auto start = dpoPlanPosition(m_step, m_plan.stepsPerEpoch, m_config.gradientAccumulation);
    m_stepOptions.shards = trainingShards(m_policy.module().device());
    std::optional<model::SingleIntraOpThread> oneThread;
    if (m_stepOptions.shards > 1)
        oneThread.emplace();
    for (std::int64_t epoch = start.epoch; epoch < m_config.epochs; ++epoch) {
        const auto batches = epochBatches(epoch);
        for (std::int64_t first = epoch == start.epoch ? start.microBatch : 0; first < m_plan.microPerEpoch;
             first += m_config.gradientAccumulation) {
            if (m_context.stopRequested()) {
                checkpoint("checkpoint-" + std::to_string(m_step), true);
                return stop(Outcome::Cancelled, "cancelled after step " + std::to_string(m_step));
            }
            if (!step(batches, first))
                return m_result;
            if (m_config.checkpointEvery > 0 && m_step % m_config.checkpointEvery == 0)
                checkpoint("checkpoint-" + std::to_string(m_step), true);
            emit(); // after the checkpoint: a listener sees the step only once it is saved
        }
    }
    checkpoint("final", false);
    return stop(Outcome::Succeeded, {});
}

// One optimizer step; false when a NaN or inf stopped the run (m_result says why).
bool DpoRun::step(const std::vector<DpoMicroBatch> &batches, std::int64_t first)
{
    auto &optimizer = *m_optimizer;
    const auto started = std::chrono::steady_clock::now();
    const auto last = std::min<std::int64_t>(first + m_config.gradientAccumulation, m_plan.microPerEpoch);
    const double lr = learningRateAt(m_plan.schedule, m_step);
    for (auto &group : optimizer.param_groups())
        static_cast<torch::optim::AdamWOptions &>(group.options()).lr(lr);
    optimizer.zero_grad();
    std::int64_t stepPairs = 0;
    for (auto b = first; b < last; ++b)
        stepPairs += static_cast<std::int64_t>(batches[static_cast<std::size_t>(b)].pairs.size());
    DpoStepSums total;
    for (auto b = first; b < last; ++b) {
        const auto &batch = batches[static_cast<std::size_t>(b)];
        m_stepOptions.gradientScale = static_cast<double>(batch.pairs.size()) / static_cast<double>(stepPairs);
        const auto sums = dpoMicroStep(m_policy.module(), batch, m_stepOptions);
        if (!sums.finite) {
            stop(Outcome::Failed, "step " + std::to_string(m_step + 1) + ": the loss is "
                                      + std::to_string(sums.loss) + "; training stopped");
            return false;
        }
        total.loss += sums.loss, total.rewardsChosen += sums.rewardsChosen;
        total.rewardsRejected += sums.rewardsRejected, total.rewardsAccuracies += sums.rewardsAccuracies;
        total.logpsChosen += sums.logpsChosen, total.logpsRejected += sums.logpsRejected;
        total.pairs += sums.pairs, total.tokens += sums.tokens;
    }
    const double maxNorm = m_config.maxGradNorm > 0.0 ? m_config.maxGradNorm : std::numeric_limits<double>::infinity();
    const double gradNorm = compat::clipGradNorm(optimizer.param_groups()[0].params(), maxNorm);
    if (!std::isfinite(gradNorm)) {
        stop(Outcome::Failed, "step " + std::to_string(m_step + 1) + ": the gradient norm is "
                                  + std::to_string(gradNorm) + "; training stopped");
        return false;
    }
    optimizer.step();
    ++m_step;
    record(total, gradNorm, lr, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return true;
}

void DpoRun::record(const DpoStepSums &sums, double gradNorm, double lr, double seconds)
{
    const double n = static_cast<double>(std::max<std::int64_t>(1, sums.pairs));
    const std::map<std::string, double> metrics = {
        {metrics::kDpoLoss, sums.loss / n},
        {metrics::kDpoRewardsChosen, sums.rewardsChosen / n},
        {metrics::kDpoRewardsRejected, sums.rewardsRejected / n},
        {metrics::kDpoRewardsMargins, (sums.rewardsChosen - sums.rewardsRejected) / n},
        {metrics::kDpoRewardsAccuracies, sums.rewardsAccuracies / n},
        {metrics::kDpoLogpsChosen, sums.logpsChosen / n},
        {metrics::kDpoLogpsRejected, sums.logpsRejected / n},
        {metrics::kDpoGradNorm, gradNorm},
        {metrics::kDpoLearningRate, lr},
        {metrics::kDpoTokensPerSecond, static_cast<double>(sums.tokens) / std::max(seconds, 1e-9)}};
    nlohmann::json entry = {{"step", m_step}};
    for (const auto &[key, value] : metrics)
        entry[key.substr(4)] = value;
    m_history.push_back(entry);
    m_result.metrics = metrics;
    m_result.steps = m_step;
    log::get("train")->info("dpo step {}/{}: loss {:.6f} margin {:.4f} accuracy {:.3f} grad_norm {:.4f} lr {:.3g}",
                            m_step, m_plan.totalSteps, sums.loss / n, (sums.rewardsChosen - sums.rewardsRejected) / n,
                            sums.rewardsAccuracies / n, gradNorm, lr);
}

void DpoRun::emit() const
{
    for (const auto &[key, value] : m_result.metrics)
        m_context.metric(m_step, key, value);
    m_context.progress(m_step, m_plan.totalSteps, "dpo");
}

// `resumable`: with the AdamW state and the resume block (periodic and cancel
// checkpoints); the final model is an end, not a place to continue from.
void DpoRun::checkpoint(const std::string &name, bool resumable)
{
    nlohmann::json state = {
        {"global_step", m_step},
        {"max_steps", m_plan.totalSteps},
        {"epoch", static_cast<double>(m_step) / static_cast<double>(std::max<std::int64_t>(1, m_plan.stepsPerEpoch))},
        {"config", toJson(m_config)},
        {"log_history", m_history}};
    std::function<void(const std::string &)> writeOptimizer;
    if (resumable) {
        state["resume"] = dpoResumeState(
            m_fingerprint, dpoPlanPosition(m_step, m_plan.stepsPerEpoch, m_config.gradientAccumulation));
        writeOptimizer = [this](const std::string &folder) {
            torch::save(*m_optimizer, (std::filesystem::path(folder) / kDpoOptimizerFile).string());
        };
    }
    m_result.checkpoint = saveDpoCheckpoint(m_policy, m_output, name, state, writeOptimizer);
}

DpoResult DpoRun::stop(Outcome outcome, const std::string &message)
{
    m_result.outcome = outcome;
    m_result.message = message;
    if (outcome == Outcome::Failed)
        m_result.message += m_result.checkpoint.empty() ? "; no checkpoint was written"
                                                        : "; the last good checkpoint is " + m_result.checkpoint;
    if (!m_result.message.empty())
        log::get("train")->warn("dpo: {}", m_result.message);
    return m_result;
}

// A hash of an adapter's values (its tensors' bytes, in parameter order).
std::string adapterFingerprint(const model::LlamaModelImpl &module)
{
    std::string bytes;
    for (const auto &t : model::loraParameters(module)) {
        const auto cpu = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
        bytes.append(static_cast<const char *>(cpu.data_ptr()), static_cast<std::size_t>(cpu.nbytes()));
    }
    return fnv1aHex(bytes);
}

// The configured cache, else the output folder's; a resumed run whose checkpoint
// sits in another output folder reads that run's cache, so nothing is recomputed.
std::string referenceCacheFolder(const DpoConfig &config, const std::string &outputFolder,
                                 const std::string &resumeFrom)
{
    namespace fs = std::filesystem;
    if (!config.referenceCacheDir.empty())
        return config.referenceCacheDir;
    const auto own = fs::path(outputFolder) / "reference_cache";
    if (!resumeFrom.empty() && !fs::exists(own)) {
        const auto beside = fs::absolute(resumeFrom).lexically_normal().parent_path() / "reference_cache";
        if (fs::is_directory(beside))
            return beside.string();
    }
    return own.string();
}

} // namespace

DpoResult trainDpo(const DpoConfig &config, const model::Policy &policy, const model::Policy &reference,
                   const std::string &referenceFolder, const std::vector<DpoPair> &pairs,
                   const std::string &outputFolder, const RunContext &context, const std::string &resumeFrom,
                   AdapterReference adapterReference)
{
    validate(config);
    validatePairs(pairs, policy.config().vocabSize);
    requireTrainablePrecision(policy, "dpo");
    const auto plan = makePlan(config, pairs.size());
    const bool ownReference = &reference.module() == &policy.module();
    const bool adapterOn = ownReference && policy.hasLora() && adapterReference == AdapterReference::Start;
    auto identity = referenceModelIdentity(referenceFolder, reference.dtype());
    if (adapterOn) // another model than the base: its cache entries must not pass for the base's
        identity += ";adapter:" + adapterFingerprint(policy.module());
    auto fingerprint = dpoFingerprint(config, pairs, identity);
    std::optional<DpoResumePoint> resume; // checked before the reference log-probs: a refusal costs nothing
    if (!resumeFrom.empty())
        resume = readDpoResumePoint(resumeFrom, fingerprint, plan.totalSteps, plan.stepsPerEpoch,
                                    config.gradientAccumulation);
    torch::manual_seed(config.seed);
    std::filesystem::create_directories(outputFolder);
    context.progress(0, 0, "dpo reference log-probs");
    // The policy as its own reference with an adapter: the reference is the base,
    // the adapter switched off (as TRL does with a PEFT model).
    std::optional<model::LoraDisabled> adapterOff;
    if (ownReference && !adapterOn)
        adapterOff.emplace(policy.module());
    auto referenceValues = referenceLogProbs(reference, identity, pairs,
                                             referenceCacheFolder(config, outputFolder, resumeFrom),
                                             static_cast<std::size_t>(config.batchSize));
    adapterOff.reset();
    DpoRun run(config, policy, pairs, std::move(referenceValues), outputFolder, context, std::move(fingerprint),
               std::move(resume));
    return run.run();
}

bool policyServesAsReference(const DpoConfig &config, const std::string &policyFolder,
                             const std::string &referenceFolder, const std::string &resumeFrom)
{
    const bool lora = config.lora.enabled() || model::isAdapterFolder(policyFolder);
    return (referenceFolder.empty() || referenceFolder == policyFolder) && resumeFrom.empty()
        && (config.dtype == "float32" || lora);
}

DpoResult runDpo(const DpoConfig &config, const std::string &policyFolder, const std::string &referenceFolder,
                 const std::vector<DpoPair> &pairs, const std::string &outputFolder, const RunContext &context,
                 const std::string &resumeFrom)
{
    validate(config);
    // bfloat16 means float32 master weights under bf16 autocast (CPU and CUDA);
    // the frozen reference needs no master copy and is held in bf16 itself. A
    // LoRA run keeps the frozen base in the asked dtype; the adapter is float32.
    const bool lora = config.lora.enabled() || model::isAdapterFolder(policyFolder);
    const model::PolicyOptions referenceOptions{config.device, config.dtype};
    const model::PolicyOptions policyOptions{config.device, trainingWeightsDtype(config.dtype, lora)};
    const auto policy = model::Policy::load(policyFolder, policyOptions);
    prepareLora(policy, config.lora, config.seed, "dpo config");
    if (policy.hasLora() && (referenceFolder.empty() || referenceFolder == policyFolder))
        return trainDpo(config, policy, policy, policy.baseFolder(), pairs, outputFolder, context, resumeFrom);
    const std::string refFolder = referenceFolder.empty() ? policyFolder : referenceFolder;
    if (policyServesAsReference(config, policyFolder, referenceFolder, resumeFrom))
        return trainDpo(config, policy, policy, refFolder, pairs, outputFolder, context, resumeFrom);
    const auto reference = model::Policy::load(refFolder, referenceOptions);
    return trainDpo(config, policy, reference, refFolder, pairs, outputFolder, context, resumeFrom);
}

} // namespace rlrf::train
