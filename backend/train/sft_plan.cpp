// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/sft_plan.h"

#include "core/error.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace rlrf::train {

SftPlan::SftPlan(const SftConfig &config, std::size_t exampleCount)
    : m_count(exampleCount), m_batchSize(config.batchSize), m_accumulation(config.gradientAccumulation),
      m_seed(config.seed)
{
    if (exampleCount == 0)
        throw Error("no training examples");
    m_microPerEpoch = (static_cast<std::int64_t>(exampleCount) + m_batchSize - 1) / m_batchSize;
    if (config.maxSteps > 0) {
        m_totalSteps = config.maxSteps;
    } else {
        const double micro = std::ceil(config.epochs * static_cast<double>(m_microPerEpoch));
        m_totalSteps = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(micro / m_accumulation)));
    }
}

SftPlan::SftPlan(const SftConfig &config, std::vector<std::size_t> lengths)
    : SftPlan(config, lengths.size())
{
    if (config.groupByLength)
        m_lengths = std::move(lengths);
}

void SftPlan::groupByLength(std::mt19937_64 &rng)
{
    const std::size_t batch = static_cast<std::size_t>(m_batchSize);
    const std::size_t window = batch * 32;
    for (std::size_t begin = 0; begin < m_count; begin += window) {
        const std::size_t end = std::min(m_count, begin + window);
        std::stable_sort(m_cached.begin() + static_cast<std::ptrdiff_t>(begin),
                         m_cached.begin() + static_cast<std::ptrdiff_t>(end),
                         [this](std::size_t a, std::size_t b) { return m_lengths[a] < m_lengths[b]; });
        // Shuffle whole batches inside the window (the last, short one stays last),
        // so steps do not go from short to long examples.
        const std::size_t full = (end - begin) / batch;
        for (std::size_t i = full; i > 1; --i) {
            const std::size_t j = static_cast<std::size_t>(rng() % i);
            std::swap_ranges(m_cached.begin() + static_cast<std::ptrdiff_t>(begin + (i - 1) * batch),
                             m_cached.begin() + static_cast<std::ptrdiff_t>(begin + i * batch),
                             m_cached.begin() + static_cast<std::ptrdiff_t>(begin + j * batch));
        }
    }
}

const std::vector<std::size_t> &SftPlan::permutation(std::int64_t epoch)
{
    if (epoch == m_cachedEpoch)
        return m_cached;
    m_cached.resize(m_count);
    std::iota(m_cached.begin(), m_cached.end(), std::size_t(0));
    // Fisher-Yates with the raw engine output, not std::shuffle or a
    // distribution, whose algorithms differ between standard libraries.
    std::mt19937_64 rng(m_seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(epoch) + 1);
    for (std::size_t i = m_count; i > 1; --i)
        std::swap(m_cached[i - 1], m_cached[static_cast<std::size_t>(rng() % i)]);
    if (!m_lengths.empty())
        groupByLength(rng);
    m_cachedEpoch = epoch;
    return m_cached;
}

std::vector<std::size_t> SftPlan::microBatch(std::int64_t index)
{
    const auto &order = permutation(index / m_microPerEpoch);
    const auto begin = static_cast<std::size_t>((index % m_microPerEpoch) * m_batchSize);
    const auto end = std::min(m_count, begin + static_cast<std::size_t>(m_batchSize));
    return {order.begin() + static_cast<std::ptrdiff_t>(begin), order.begin() + static_cast<std::ptrdiff_t>(end)};
}

std::vector<std::vector<std::size_t>> SftPlan::step(std::int64_t step)
{
    std::vector<std::vector<std::size_t>> batches;
    for (std::int64_t a = 0; a < m_accumulation; ++a)
        batches.push_back(microBatch(step * m_accumulation + a));
    return batches;
}

} // namespace rlrf::train
