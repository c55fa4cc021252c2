// SPDX-License-Identifier: GPL-3.0-or-later
// The BPE learning loop: count adjacent symbol pairs over the corpus words, merge
// the most frequent pair, update the counts of the words it touched, repeat.
#pragma once

#include "core/run_context.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace rlrf::model::detail {

struct LearnedBpe {
    std::vector<std::string> vocab;                         // id -> token (bytes first)
    std::vector<std::pair<std::string, std::string>> merges; // in rank order
    bool cancelled = false;
};

// `wordCounts`: byte-level words (pre-tokenized, bytes mapped to stand-ins) and how
// often each occurs. Learns merges until `targetSize` symbols exist (not counting
// special tokens), no pair occurs `minFrequency` times, or `ctx` asks to stop.
// Ties between equally frequent pairs go to the smaller (left, right) string pair.
LearnedBpe learnBpe(const std::unordered_map<std::string, std::int64_t> &wordCounts, std::size_t targetSize,
                    std::size_t minFrequency, const RunContext &ctx);

} // namespace rlrf::model::detail
