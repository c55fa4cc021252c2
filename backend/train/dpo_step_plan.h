// SPDX-License-Identifier: GPL-3.0-or-later
// Which pairs each DPO optimizer step trains on. The trainer shuffles with this
// same function, so a view that shows "the pairs of step 7" never guesses.
// Torch-free.
#pragma once

#include "types/dpo_config.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace rlrf::train {

// The order in which epoch `epoch` visits pair indices 0..count-1 (seeded by
// config.seed + epoch).
std::vector<std::size_t> dpoEpochOrder(std::uint64_t seed, std::int64_t epoch, std::size_t count);

// For step 1, 2, ... (index 0, 1, ...): the indices of the pairs in its
// micro-batches, in training order. Its size is the run's number of steps.
std::vector<std::vector<std::size_t>> dpoStepPairs(const DpoConfig &config, std::size_t pairCount);

} // namespace rlrf::train
