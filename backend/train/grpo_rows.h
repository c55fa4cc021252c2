// SPDX-License-Identifier: GPL-3.0-or-later
// What a GRPO update trains on, as plain token rows: per row a prompt, a
// completion, how many leading completion tokens carry the loss (for
// Reflect-Retry-Reward: the reflection, not the retry after it) and the row's
// group-normalised advantage. Torch-free, so the pipeline builds rows without
// LibTorch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace rlrf::train {

struct GrpoRows {
    std::vector<std::vector<std::int64_t>> prompts;
    std::vector<std::vector<std::int64_t>> completions;
    std::vector<std::size_t> lossLengths; // loss on completions[b][0, lossLengths[b])
    std::vector<double> advantages;

    std::size_t size() const { return prompts.size(); }
};

} // namespace rlrf::train
