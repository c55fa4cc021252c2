// SPDX-License-Identifier: GPL-3.0-or-later
// Settings that would make a run fit, for the memory planner (memory_plan.h):
// the smallest sets of changes, each phrased as the command-line flags a user
// would type. Torch-free.
#pragma once

#include "train/memory_plan.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::train {

/// The changes tried, in the order a user would want them (the first changes
/// least of what the run learns): LoRA r=16 on all seven linear layers,
/// gradient checkpointing, bfloat16 weights, a smaller micro-batch with more
/// gradient accumulation (the effective batch stays the same), a shorter max
/// length (the only one that trains on less text). A change the input already
/// has is not tried. Sets of changes are tried escalating along that order (a
/// set with a later change only after all sets of earlier ones), fewer changes
/// first; a set that fits is kept unless a kept set is part of it; for the
/// micro-batch and the length the largest value that fits is taken. At most
/// `limit` sets.
std::vector<MemoryAlternative> memoryAlternatives(const MemoryPlanInput &input, std::uint64_t availableBytes,
                                                  std::size_t limit = 3);

/// Every applicable change at its extreme (micro-batch 1, the shortest length
/// tried): what a refusal with no alternative names as the least it would need.
MemoryPlanInput leanestSettings(const MemoryPlanInput &input);

/// The flags that turn `from` into `to`: "--lora-r 16", "--gradient-checkpointing",
/// "--dtype bfloat16", "--batch-size N --grad-accum M", "--max-length N".
std::string changedFlags(const MemoryPlanInput &from, const MemoryPlanInput &to);

} // namespace rlrf::train
