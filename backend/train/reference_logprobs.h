// SPDX-License-Identifier: GPL-3.0-or-later
// Sequence log-probs of each pair's chosen and rejected completion under the frozen
// reference model. They never change during a run, so they are computed once,
// without gradients and in batches, and kept on disk: one small JSON file per
// reference model identity, holding one entry per pair keyed by a hash of its ids.
// A second run over the same model and pairs reads them back; a changed pair is
// recomputed alone, a changed model gets a new file. Torch-free.
#pragma once

#include "train/dpo_trainer_pairs.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::model {
class Policy;
}

namespace rlrf::train {

struct ReferenceLogProbs {
    std::vector<double> chosen;   // summed over the completion tokens, one per pair
    std::vector<double> rejected;
    std::int64_t computedPairs = 0; // pairs evaluated now (the rest came from the cache)
};

// A 64-bit FNV-1a hash, as 16 hex digits.
std::string fnv1aHex(const std::string &bytes);

// Identity of a model folder as far as its outputs go: config.json's content, each
// *.safetensors file's name, size, modification time and first and last 64 KiB, and
// the dtype the reference runs in. Throws rlrf::Error when the folder has no config.
std::string referenceModelIdentity(const std::string &folder, const std::string &dtype);

std::string pairKey(const DpoPair &pair);

// Reads `cacheDir`/reference-<identity hash>.json when present, computes the pairs
// it lacks with `reference` in batches of `batchSize`, and writes the file back
// (atomically) when anything was computed. A corrupt cache file is an error naming it.
ReferenceLogProbs referenceLogProbs(const model::Policy &reference, const std::string &modelIdentity,
                                    const std::vector<DpoPair> &pairs, const std::string &cacheDir,
                                    std::size_t batchSize);

} // namespace rlrf::train
