// SPDX-License-Identifier: GPL-3.0-or-later
// The GRPO rows of Reflect-Retry-Reward: one row per try of a sampled group,
// its completion the reflection and then the retry conversation, the loss on the
// reflection tokens only. Torch-free.
#pragma once

#include "pipeline/rrr/reflect_retry.h"
#include "train/grpo_rows.h"

#include <vector>

namespace rlrf::rrr {

/// Rows of every try of the given groups with their advantages; groups whose
/// `advantages` are all zero (no reward spread) are left out when `skipFlat`,
/// and so are tries with an empty reflection (no token to credit).
train::GrpoRows reflectionRows(const std::vector<ReflectionGroup> &groups,
                               const std::vector<std::vector<double>> &advantages, bool skipFlat);

} // namespace rlrf::rrr
