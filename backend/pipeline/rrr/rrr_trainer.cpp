// SPDX-License-Identifier: GPL-3.0-or-later
// The loop of trainRrr: per step sample groups (reflect_retry), score them
// (advantages), then one or more optimizer updates on the reflection tokens
// (train/grpo_trainer on reflection_rows), report, observe. Torch-free.
#include "pipeline/rrr/rrr_trainer.h"

#include "core/error.h"
#include "core/logging.h"
#include "pipeline/rrr/reflection_rows.h"
#include "train/grpo_advantages.h"
#include "train/grpo_trainer.h"
#include "types/metric_names.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>

namespace rlrf::rrr {
namespace {

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
            const StepObserver &observer, const RrrCheckpointing &checkpointing)
        : m_config(config), m_task(task), m_failures(failures), m_context(context), m_observer(observer),
          m_checkpointing(checkpointing),
          m_trainer(policy, reference, grpoSettings(config, failures.size())),
          m_sampler(policy, config.generationBatch)
    {
        m_result.totalSteps = plannedSteps(config, failures.size());
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
    static train::GrpoSettings grpoSettings(const RrrConfig &config, std::size_t failureCount);
    bool batch(std::int64_t index);
    bool update(std::map<std::string, double> &metrics);
    void checkpoint();
    RrrTrainResult stop(Outcome outcome, const std::string &message);

    const RrrConfig &m_config;
    const tasks::Task &m_task;
    const std::vector<FailedAttempt> &m_failures;
    const RunContext &m_context;
    const StepObserver &m_observer;
    const RrrCheckpointing &m_checkpointing;
    std::int64_t m_lastCheckpoint = 0;
    train::GrpoTrainer m_trainer; // seeds LibTorch: made before anything samples
    PolicySampler m_sampler;
    std::vector<std::size_t> m_order;
    RrrTrainResult m_result;
};

train::GrpoSettings RrrLoop::grpoSettings(const RrrConfig &config, std::size_t failureCount)
{
    train::GrpoSettings s;
    s.learningRate = config.learningRate;
    s.weightDecay = config.weightDecay;
    s.warmupRatio = config.warmupRatio;
    s.maxGradNorm = config.maxGradNorm;
    s.beta = config.beta;
    s.clipEpsilon = config.clipEpsilon;
    s.totalSteps = plannedSteps(config, failureCount);
    s.seed = config.seed;
    s.gradientCheckpointing = config.gradientCheckpointing;
    return s;
}

RrrTrainResult RrrLoop::run()
{
    const auto start = m_checkpointing.startStep;
    if (start > 0) {
        // Checkpoints are taken at the end of a batch, so `start` begins one.
        if (start % m_config.updatesPerBatch != 0 && start < m_result.totalSteps)
            throw Error("checkpoint after step " + std::to_string(start) + " is not at the end of a batch of "
                            + std::to_string(m_config.updatesPerBatch) + " updates",
                        {m_checkpointing.optimizerFile});
        m_trainer.loadOptimizer(m_checkpointing.optimizerFile);
        m_result.steps = std::min(start, m_result.totalSteps);
        m_lastCheckpoint = m_result.steps;
        log::get("rrr")->info("rrr: continuing after step {} of {}", m_result.steps, m_result.totalSteps);
    }
    const auto batches = (m_result.totalSteps + m_config.updatesPerBatch - 1) / m_config.updatesPerBatch;
    for (std::int64_t b = m_result.steps / m_config.updatesPerBatch;
         b < batches && m_result.steps < m_result.totalSteps; ++b) {
        if (m_context.stopRequested())
            return stop(Outcome::Cancelled, "cancelled after step " + std::to_string(m_result.steps));
        if (!batch(b))
            return m_result;
        const auto every = m_config.checkpointEvery;
        if (every > 0 && m_result.steps - m_lastCheckpoint >= every && m_result.steps < m_result.totalSteps)
            checkpoint();
    }
    if (m_lastCheckpoint != m_result.steps)
        checkpoint();
    return stop(Outcome::Succeeded, {});
}

void RrrLoop::checkpoint()
{
    m_lastCheckpoint = m_result.steps;
    if (m_checkpointing.save)
        m_checkpointing.save(m_result.steps, [this](const std::string &file) { m_trainer.saveOptimizer(file); });
}

// Samples one batch of groups and takes updatesPerBatch optimizer steps on it;
// false when the run stopped (cancel during sampling, or a non-finite value).
bool RrrLoop::batch(std::int64_t index)
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
    auto rows = reflectionRows(record.groups, record.advantages, true);
    const auto trainedRows = rows.size();
    m_trainer.setBatch(std::move(rows));
    std::map<std::string, double> metrics = {{metrics::kRrrRewardMean, stats.rewardMean},
                                             {metrics::kRrrRewardStd, stats.rewardStd},
                                             {metrics::kRrrZeroSpreadShare, stats.zeroSpreadShare},
                                             {metrics::kRrrReflectionTokens, stats.reflectionTokens},
                                             {metrics::kRrrRetryInRowShare, stats.tailShare},
                                             {metrics::kRrrTrainedRows, static_cast<double>(trainedRows)}};
    for (std::int64_t u = 0; u < m_config.updatesPerBatch && m_result.steps < m_result.totalSteps; ++u)
        if (!update(metrics))
            return false;
    record.step = m_result.steps;
    if (m_observer)
        m_observer(record);
    return true;
}

bool RrrLoop::update(std::map<std::string, double> &metrics)
{
    const auto started = std::chrono::steady_clock::now();
    const auto out = m_trainer.update(m_result.steps);
    if (!out.finite) {
        stop(Outcome::Failed, out.message);
        return false;
    }
    ++m_result.steps;
    metrics[metrics::kRrrLoss] = out.loss;
    metrics[metrics::kRrrKl] = out.kl;
    metrics[metrics::kRrrClipFraction] = out.clipFraction;
    metrics[metrics::kRrrGradNorm] = out.gradNorm;
    metrics[metrics::kRrrLearningRate] = out.learningRate;
    metrics[metrics::kRrrSeconds] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    m_result.metrics = metrics;
    for (const auto &[key, value] : metrics)
        m_context.metric(m_result.steps, key, value);
    m_context.progress(m_result.steps, m_result.totalSteps, "rrr");
    log::get("rrr")->info("rrr step {}/{}: reward {:.3f} flat groups {:.2f} loss {:.5f} kl {:.5f} reflection {:.1f} tokens",
                          m_result.steps, m_result.totalSteps, metrics[metrics::kRrrRewardMean],
                          metrics[metrics::kRrrZeroSpreadShare], out.loss, out.kl, metrics[metrics::kRrrReflectionTokens]);
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
                        const RunContext &context, const StepObserver &observer,
                        const RrrCheckpointing &checkpointing)
{
    validate(config);
    if (failures.empty())
        throw Error("no failed attempts to learn from: the model solved every mined query "
                    "(mine more queries or more samples per query)");
    RrrLoop loop(config, policy, reference, task, failures, context, observer, checkpointing);
    return loop.run();
}

} // namespace rlrf::rrr
