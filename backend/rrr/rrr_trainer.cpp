// SPDX-License-Identifier: GPL-3.0-or-later
// The loop of trainRrr: per step sample groups (reflect_retry), score them
// (advantages), then one or more optimizer updates on the reflection tokens
// (reflection_step), report, observe.
#include "rrr/rrr_trainer.h"

#include <torch/torch.h>

#include "core/error.h"
#include "core/logging.h"
#include "core/torch_compat.h"
#include "model/llama_model.h"
#include "model/text_model.h"
#include "rrr/reflection_step.h"
#include "train/grpo_advantages.h"
#include "train/lr_schedule.h"
#include "train/optimizer_factory.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace rlrf::rrr {
namespace {

constexpr std::size_t kRowsPerForward = 16;

struct GroupStats {
    double rewardMean = 0.0;
    double rewardStd = 0.0;
    double zeroSpreadShare = 0.0;
    double reflectionTokens = 0.0;
    double tailShare = 0.0; // rows that carry the retry after the reflection
};

GroupStats scoreGroups(const std::vector<ReflectionGroup> &groups, std::vector<std::vector<double>> &advantages)
{
    GroupStats stats;
    double tries = 0.0;
    for (const auto &group : groups) {
        std::vector<double> rewards;
        for (const auto &t : group.tries) {
            rewards.push_back(t.reward);
            stats.rewardMean += t.reward;
            stats.reflectionTokens += static_cast<double>(t.reflectionLength);
            stats.tailShare += t.completion.size() > t.reflectionLength ? 1.0 : 0.0;
            tries += 1.0;
        }
        const auto adv = train::groupAdvantages(rewards);
        stats.rewardStd += adv.stddev;
        stats.zeroSpreadShare += adv.zeroSpread ? 1.0 : 0.0;
        advantages.push_back(adv.advantages);
    }
    const double n = std::max<double>(1.0, static_cast<double>(groups.size()));
    tries = std::max(1.0, tries);
    return {stats.rewardMean / tries, stats.rewardStd / n, stats.zeroSpreadShare / n, stats.reflectionTokens / tries,
            stats.tailShare / tries};
}

class RrrLoop {
public:
    RrrLoop(const RrrConfig &config, const model::TextModel &policy, const model::TextModel &reference,
            const tasks::Task &task, const std::vector<FailedAttempt> &failures, const RunContext &context,
            const StepObserver &observer)
        : m_config(config), m_policy(policy), m_reference(reference), m_task(task), m_failures(failures),
          m_context(context), m_observer(observer), m_sampler(policy, config.generationBatch)
    {
        m_result.totalSteps = plannedSteps(config, failures.size());
        m_schedule.peakLearningRate = config.learningRate;
        m_schedule.kind = train::ScheduleKind::Cosine;
        m_schedule.totalSteps = m_result.totalSteps;
        m_schedule.warmupSteps = train::warmupStepsFromRatio(config.warmupRatio, m_result.totalSteps);
        std::mt19937_64 random(config.seed);
        const auto passes = static_cast<std::size_t>(std::ceil(config.epochs)) + 1;
        for (std::size_t p = 0; p < passes; ++p) {
            std::vector<std::size_t> order(failures.size());
            std::iota(order.begin(), order.end(), std::size_t{0});
            std::shuffle(order.begin(), order.end(), random);
            m_order.insert(m_order.end(), order.begin(), order.end());
        }
    }

    RrrTrainResult run();

private:
    bool batch(std::int64_t index, torch::optim::AdamW &optimizer);
    bool update(const ReflectionRows &rows, const std::vector<std::vector<float>> &old,
                const std::vector<std::vector<float>> &ref, torch::optim::AdamW &optimizer,
                std::map<std::string, double> &metrics);
    RrrTrainResult stop(Outcome outcome, const std::string &message);

    const RrrConfig &m_config;
    const model::TextModel &m_policy;
    const model::TextModel &m_reference;
    const tasks::Task &m_task;
    const std::vector<FailedAttempt> &m_failures;
    const RunContext &m_context;
    const StepObserver &m_observer;
    PolicySampler m_sampler;
    train::ScheduleConfig m_schedule;
    std::vector<std::size_t> m_order;
    RrrTrainResult m_result;
};

RrrTrainResult RrrLoop::run()
{
    train::SftConfig optimizerSettings;
    optimizerSettings.learningRate = m_config.learningRate;
    optimizerSettings.weightDecay = m_config.weightDecay;
    auto optimizer = train::makeAdamW(m_policy.policy().module(), optimizerSettings);
    const auto batches = (m_result.totalSteps + m_config.updatesPerBatch - 1) / m_config.updatesPerBatch;
    for (std::int64_t b = 0; b < batches && m_result.steps < m_result.totalSteps; ++b) {
        if (m_context.stopRequested())
            return stop(Outcome::Cancelled, "cancelled after step " + std::to_string(m_result.steps));
        if (!batch(b, *optimizer))
            return m_result;
    }
    return stop(Outcome::Succeeded, {});
}

// Samples one batch of groups and takes updatesPerBatch optimizer steps on it;
// false when the run stopped (cancel during sampling, or a non-finite value).
bool RrrLoop::batch(std::int64_t index, torch::optim::AdamW &optimizer)
{
    StepRecord record;
    const auto per = static_cast<std::size_t>(m_config.failuresPerStep);
    std::vector<const FailedAttempt *> chosen;
    for (std::size_t k = 0; k < per; ++k) {
        const auto i = m_order[(static_cast<std::size_t>(index) * per + k) % m_order.size()];
        record.failureIndices.push_back(i);
        chosen.push_back(&m_failures[i]);
    }
    ReflectRetrySettings settings{m_config.groupSize,          m_config.reflectionTemperature,
                                  m_config.retryTemperature,   m_config.maxReflectionTokens,
                                  m_config.maxAnswerTokens,    m_config.seed * 7777 + static_cast<std::uint64_t>(index)};
    record.groups = reflectAndRetry(m_sampler, m_task, chosen, settings, &m_context.cancel);
    if (record.groups.empty()) {
        stop(Outcome::Cancelled, "cancelled after step " + std::to_string(m_result.steps));
        return false;
    }
    const auto stats = scoreGroups(record.groups, record.advantages);
    const auto rows = reflectionRows(record.groups, record.advantages, true);
    auto &policy = m_policy.policy().module();
    const auto old = rowLogProbs(policy, rows, kRowsPerForward);
    const auto ref = m_config.beta > 0.0 ? rowLogProbs(m_reference.policy().module(), rows, kRowsPerForward) : old;
    std::map<std::string, double> metrics = {{"rrr/reward_mean", stats.rewardMean},
                                             {"rrr/reward_std", stats.rewardStd},
                                             {"rrr/zero_spread_share", stats.zeroSpreadShare},
                                             {"rrr/reflection_tokens", stats.reflectionTokens},
                                             {"rrr/retry_in_row_share", stats.tailShare},
                                             {"rrr/trained_rows", static_cast<double>(rows.prompts.size())}};
    for (std::int64_t u = 0; u < m_config.updatesPerBatch && m_result.steps < m_result.totalSteps; ++u)
        if (!update(rows, old, ref, optimizer, metrics))
            return false;
    record.step = m_result.steps;
    if (m_observer)
        m_observer(record);
    return true;
}

bool RrrLoop::update(const ReflectionRows &rows, const std::vector<std::vector<float>> &old,
                     const std::vector<std::vector<float>> &ref, torch::optim::AdamW &optimizer,
                     std::map<std::string, double> &metrics)
{
    const auto started = std::chrono::steady_clock::now();
    const double lr = train::learningRateAt(m_schedule, m_result.steps);
    train::setLearningRate(optimizer, lr);
    optimizer.zero_grad();
    auto &policy = m_policy.policy().module();
    ReflectionStepSums sums;
    double gradNorm = 0.0;
    if (!rows.prompts.empty()) {
        sums = reflectionBackward(policy, rows, old, ref, {m_config.beta, m_config.clipEpsilon}, kRowsPerForward);
        if (!sums.finite) {
            stop(Outcome::Failed, "step " + std::to_string(m_result.steps + 1) + ": the loss is "
                                      + std::to_string(sums.loss) + "; training stopped");
            return false;
        }
        std::vector<torch::Tensor> params;
        for (auto &group : optimizer.param_groups())
            for (auto &p : group.params())
                params.push_back(p);
        const double maxNorm = m_config.maxGradNorm > 0 ? m_config.maxGradNorm : std::numeric_limits<double>::infinity();
        gradNorm = compat::clipGradNorm(params, maxNorm);
        if (!std::isfinite(gradNorm)) {
            stop(Outcome::Failed, "step " + std::to_string(m_result.steps + 1) + ": the gradient norm is "
                                      + std::to_string(gradNorm) + "; training stopped");
            return false;
        }
        optimizer.step(); // a batch where every group is flat has nothing to learn from
    }
    ++m_result.steps;
    metrics["rrr/loss"] = sums.loss;
    metrics["rrr/kl"] = sums.kl;
    metrics["rrr/clip_fraction"] = sums.clipFraction;
    metrics["rrr/grad_norm"] = gradNorm;
    metrics["rrr/learning_rate"] = lr;
    metrics["rrr/seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    m_result.metrics = metrics;
    for (const auto &[key, value] : metrics)
        m_context.metric(m_result.steps, key, value);
    m_context.progress(m_result.steps, m_result.totalSteps, "rrr");
    log::get("rrr")->info("rrr step {}/{}: reward {:.3f} flat groups {:.2f} loss {:.5f} kl {:.5f} reflection {:.1f} tokens",
                          m_result.steps, m_result.totalSteps, metrics["rrr/reward_mean"],
                          metrics["rrr/zero_spread_share"], sums.loss, sums.kl, metrics["rrr/reflection_tokens"]);
    return true;
}

RrrTrainResult RrrLoop::stop(Outcome outcome, const std::string &message)
{
    m_result.outcome = outcome;
    m_result.message = message;
    if (!message.empty())
        log::get("rrr")->warn("rrr: {}", message);
    return m_result;
}

} // namespace

std::int64_t plannedSteps(const RrrConfig &config, std::size_t failureCount)
{
    if (config.maxSteps > 0)
        return config.maxSteps;
    const double batches = std::ceil(static_cast<double>(failureCount) * config.epochs
                                     / static_cast<double>(config.failuresPerStep));
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(batches)) * config.updatesPerBatch;
}

RrrTrainResult trainRrr(const RrrConfig &config, const model::TextModel &policy, const model::TextModel &reference,
                        const tasks::Task &task, const std::vector<FailedAttempt> &failures,
                        const RunContext &context, const StepObserver &observer)
{
    validate(config);
    if (failures.empty())
        throw Error("no failed attempts to learn from: the model solved every mined query "
                    "(mine more queries or more samples per query)");
    torch::manual_seed(config.seed);
    RrrLoop loop(config, policy, reference, task, failures, context, observer);
    return loop.run();
}

} // namespace rlrf::rrr
