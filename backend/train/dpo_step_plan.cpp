// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/dpo_step_plan.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace rlrf::train {

std::vector<std::size_t> dpoEpochOrder(std::uint64_t seed, std::int64_t epoch, std::size_t count)
{
    std::vector<std::size_t> order(count);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::mt19937_64 random(seed + static_cast<std::uint64_t>(epoch));
    std::shuffle(order.begin(), order.end(), random);
    return order;
}

std::vector<std::vector<std::size_t>> dpoStepPairs(const DpoConfig &config, std::size_t pairCount)
{
    std::vector<std::vector<std::size_t>> steps;
    if (config.batchSize < 1 || config.gradientAccumulation < 1)
        return steps;
    const auto batch = static_cast<std::size_t>(config.batchSize);
    const auto perStep = batch * static_cast<std::size_t>(config.gradientAccumulation);
    for (std::int64_t epoch = 0; epoch < config.epochs; ++epoch) {
        const auto order = dpoEpochOrder(config.seed, epoch, pairCount);
        // Micro-batches of `batch` pairs, `gradientAccumulation` of them per step;
        // the last step of an epoch may be short, as in the trainer.
        for (std::size_t start = 0; start < order.size(); start += perStep) {
            const auto end = std::min(order.size(), start + perStep);
            steps.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(start),
                               order.begin() + static_cast<std::ptrdiff_t>(end));
        }
    }
    return steps;
}

} // namespace rlrf::train
