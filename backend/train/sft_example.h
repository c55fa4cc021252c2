// SPDX-License-Identifier: GPL-3.0-or-later
// One supervised example as token ids: the prompt (with its special tokens) and the
// answer the model should learn to give (EOS included when it should stop there).
// Torch-free.
#pragma once

#include <cstdint>
#include <vector>

namespace rlrf::train {

struct SftExample {
    std::vector<std::int64_t> promptIds;
    std::vector<std::int64_t> answerIds;
};

} // namespace rlrf::train
