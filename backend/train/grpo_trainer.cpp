// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/grpo_trainer.h"

#include <torch/torch.h>

#include "core/error.h"
#include "core/torch_compat.h"
#include "model/llama_model.h"
#include "model/lora.h"
#include "model/ordered_jobs.h"
#include "model/text_model.h"
#include "train/grpo_step.h"
#include "train/lr_schedule.h"
#include "train/optimizer_factory.h"
#include "train/sharded_backward.h"

#include <cmath>
#include <limits>
#include <optional>

namespace rlrf::train {

struct GrpoTrainer::Impl {
    Impl(const model::TextModel &policyModel, const model::TextModel &referenceModel, const GrpoSettings &s)
        : settings(s), policy(policyModel.policy().module()), reference(referenceModel.policy().module())
    {
        torch::manual_seed(settings.seed);
        schedule.peakLearningRate = settings.learningRate;
        schedule.kind = ScheduleKind::Cosine;
        schedule.totalSteps = settings.totalSteps;
        schedule.warmupSteps = warmupStepsFromRatio(settings.warmupRatio, settings.totalSteps);
        SftConfig optimizerSettings;
        optimizerSettings.learningRate = settings.learningRate;
        optimizerSettings.weightDecay = settings.weightDecay;
        optimizer = makeAdamW(policy, optimizerSettings);
        policy.setGradientCheckpointing(settings.gradientCheckpointing);
    }

    GrpoSettings settings;
    model::LlamaModelImpl &policy;
    model::LlamaModelImpl &reference;
    ScheduleConfig schedule;
    std::unique_ptr<torch::optim::AdamW> optimizer;
    GrpoRows rows;
    std::vector<std::vector<float>> old;
    std::vector<std::vector<float>> ref;
};

GrpoTrainer::GrpoTrainer(const model::TextModel &policy, const model::TextModel &reference,
                         const GrpoSettings &settings)
    : m_impl(std::make_unique<Impl>(policy, reference, settings))
{
}

GrpoTrainer::~GrpoTrainer() = default;

void GrpoTrainer::setBatch(GrpoRows rows)
{
    auto &m = *m_impl;
    m.rows = std::move(rows);
    m.old = rowLogProbs(m.policy, m.rows, m.settings.rowsPerForward);
    if (m.settings.beta > 0.0) {
        // One model with a LoRA adapter serves as both: its reference is the base.
        std::optional<model::LoraDisabled> adapterOff;
        if (&m.reference == &m.policy)
            adapterOff.emplace(m.reference);
        m.ref = rowLogProbs(m.reference, m.rows, m.settings.rowsPerForward);
    } else {
        m.ref = m.old;
    }
}

GrpoUpdate GrpoTrainer::update(std::int64_t step)
{
    auto &m = *m_impl;
    GrpoUpdate out;
    out.learningRate = learningRateAt(m.schedule, step);
    setLearningRate(*m.optimizer, out.learningRate);
    m.optimizer->zero_grad();
    if (m.rows.size() == 0)
        return out;
    // On a CPU each chunk's rows train in shards side by side, one intra-op
    // thread each, as the SFT and DPO trainers do (sharded_backward.h).
    const auto shards = trainingShards(m.policy.device());
    std::optional<model::SingleIntraOpThread> oneThread;
    if (shards > 1)
        oneThread.emplace();
    const auto sums = grpoBackward(m.policy, m.rows, m.old, m.ref, {m.settings.beta, m.settings.clipEpsilon},
                                   m.settings.rowsPerForward, shards);
    out.loss = sums.loss;
    out.kl = sums.kl;
    out.clipFraction = sums.clipFraction;
    if (!sums.finite) {
        out.finite = false;
        out.message = "step " + std::to_string(step + 1) + ": the loss is " + std::to_string(sums.loss)
            + "; training stopped";
        return out;
    }
    std::vector<torch::Tensor> params;
    for (auto &group : m.optimizer->param_groups())
        for (auto &p : group.params())
            params.push_back(p);
    const double maxNorm = m.settings.maxGradNorm > 0 ? m.settings.maxGradNorm
                                                      : std::numeric_limits<double>::infinity();
    out.gradNorm = compat::clipGradNorm(params, maxNorm);
    if (!std::isfinite(out.gradNorm)) {
        out.finite = false;
        out.message = "step " + std::to_string(step + 1) + ": the gradient norm is " + std::to_string(out.gradNorm)
            + "; training stopped";
        return out;
    }
    m.optimizer->step();
    return out;
}

void GrpoTrainer::saveOptimizer(const std::string &file) const
{
    torch::save(*m_impl->optimizer, file);
}

void GrpoTrainer::loadOptimizer(const std::string &file)
{
    try {
        torch::load(*m_impl->optimizer, file);
    } catch (const c10::Error &e) {
        throw Error(std::string("cannot read the optimizer state: ") + e.what_without_backtrace(), {file});
    }
}

} // namespace rlrf::train
