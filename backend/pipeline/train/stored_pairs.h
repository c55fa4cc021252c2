// SPDX-License-Identifier: GPL-3.0-or-later
// Stored pairs as DPO trains on them, one way for both DPO paths (an
// iteration's train stage and DPO on approved pairs from the Training area):
// each pair read from the store with its prompt and, when the rejected answer
// is to be cut at its first flaw, its critique; then pair_tokens.h. Torch-free.
#pragma once

#include "train/dpo_trainer_pairs.h"
#include "types/records.h"

#include <cstdint>
#include <vector>

namespace rlrf::model {
class TextModel;
}
namespace rlrf::store {
class Database;
}

namespace rlrf::pipeline {

struct StoredPair {
    store::PairRecord record;
    train::DpoPair tokens;
};

/// The pairs with these ids, in this order, tokenised for `policy`.
std::vector<StoredPair> storedPairs(store::Database &db, const model::TextModel &policy,
                                    const std::vector<std::int64_t> &pairIds, bool cutRejectedAtFlaw);

} // namespace rlrf::pipeline
