// SPDX-License-Identifier: GPL-3.0-or-later
// Which examples each optimizer step sees, as a pure function of the step: every
// epoch is a fresh permutation drawn from the seed and the epoch number, cut into
// micro-batches, and step s takes micro-batches s*A .. s*A+A-1 (A = gradient
// accumulation). A resumed run therefore continues with exactly the examples an
// uninterrupted run would have used. Torch-free.
#pragma once

#include "types/train_config.h"

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace rlrf::train {

class SftPlan {
public:
    SftPlan(const SftConfig &config, std::size_t exampleCount);
    // With config.groupByLength, batches hold examples of similar `lengths`.
    SftPlan(const SftConfig &config, std::vector<std::size_t> lengths);

    std::int64_t totalSteps() const { return m_totalSteps; }
    std::int64_t microBatchesPerEpoch() const { return m_microPerEpoch; }
    // Example indices of the micro-batches of one optimizer step (0-based).
    std::vector<std::vector<std::size_t>> step(std::int64_t step);

private:
    std::vector<std::size_t> microBatch(std::int64_t index);
    const std::vector<std::size_t> &permutation(std::int64_t epoch);
    void groupByLength(std::mt19937_64 &rng);

    std::size_t m_count;
    std::int64_t m_batchSize;
    std::int64_t m_accumulation;
    std::uint64_t m_seed;
    std::int64_t m_microPerEpoch;
    std::int64_t m_totalSteps;
    std::int64_t m_cachedEpoch = -1;
    std::vector<std::size_t> m_cached;
    std::vector<std::size_t> m_lengths; // empty = plain permutation
};

} // namespace rlrf::train
