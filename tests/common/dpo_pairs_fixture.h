// SPDX-License-Identifier: GPL-3.0-or-later
// Preference pairs stories260K can learn in a few steps, and the margin the
// model's own scoring gives them, for the DPO tests (full and LoRA).
#pragma once

#include "model/policy.h"
#include "train/dpo_trainer_pairs.h"

#include <numeric>
#include <vector>

namespace rlrf::test {

inline std::vector<train::DpoPair> memorisablePairs()
{
    return {{{1, 403}, {281, 266, 270, 13, 2}, {307, 42, 9, 2}},
            {{1, 72, 9}, {88, 120, 301, 2}, {44, 45, 46, 2}},
            {{1, 500}, {33, 7, 19, 2}, {260, 261, 262, 2}},
            {{1, 330, 331}, {99, 98, 2}, {12, 14, 16, 18, 2}}};
}

// Mean over pairs of log p(chosen) - log p(rejected), by the model's own scoring.
inline double meanMargin(const model::Policy &policy, const std::vector<train::DpoPair> &pairs)
{
    double total = 0;
    for (const auto &pair : pairs) {
        const auto rows = policy.scoreCompletions({pair.prompt, pair.prompt}, {pair.chosen, pair.rejected});
        total += std::accumulate(rows[0].begin(), rows[0].end(), 0.0) - std::accumulate(rows[1].begin(), rows[1].end(), 0.0);
    }
    return total / static_cast<double>(pairs.size());
}

} // namespace rlrf::test
