// SPDX-License-Identifier: GPL-3.0-or-later
// What the review queue shows, read in one go: the counts by state, the listed
// pairs (id, state, gap, rule, the start of the prompt) and one pair's full view
// (both texts with their critiques). Plain values, so the reading can run on the
// backend thread and the result travel to the GUI. Torch-free, Qt-free.
#pragma once

#include "types/critique.h"
#include "types/records.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rlrf::store {
class Database;
}

namespace rlrf::review {

struct PairQueueRow {
    std::int64_t id = 0;
    store::ReviewState state = store::ReviewState::Pending;
    double gap = 0.0;
    std::string rule;
    std::string promptStart; // the first kPromptStartChars bytes of the prompt
};

struct PairQueue {
    std::map<store::ReviewState, std::int64_t> counts; // every state, zeros included
    std::vector<PairQueueRow> rows;                     // by id
};

/// One pair as the reviewer reads it.
struct PairView {
    store::PairRecord pair;
    std::string prompt;
    std::optional<feedback::Critique> chosen;
    std::optional<feedback::Critique> rejected;
};

constexpr std::size_t kPromptStartChars = 80;

/// Counts and the pairs in `state` (all when empty); throws rlrf::Error naming
/// the file when it cannot be read.
PairQueue readPairQueue(store::Database &db, std::optional<store::ReviewState> state);

/// One pair with its prompt and critiques; throws rlrf::Error when it is missing.
PairView readPairView(store::Database &db, std::int64_t pairId);

} // namespace rlrf::review
