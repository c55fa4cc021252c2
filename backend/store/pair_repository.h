// SPDX-License-Identifier: GPL-3.0-or-later
// Preference pairs and their review: state (pending, approved, rejected, edited)
// and a history row for every change a reviewer makes.
#pragma once

#include "types/records.h"

#include <map>
#include <optional>
#include <vector>

namespace rlrf::store {

class Database;

enum class PairSide { Chosen, Rejected };

/// Sort keys for page(): "id", "gap", "prompt", "state".
class PairRepository {
public:
    explicit PairRepository(Database &db) : m_db(db) {}

    /// Both candidates must answer the pair's prompt; the texts in `pair` are
    /// ignored (a new pair exports its candidates' texts).
    std::int64_t insert(const PairRecord &pair);
    PairRecord byId(std::int64_t id);

    std::int64_t count(std::optional<ReviewState> state = {});
    /// Every state present, zero counts included.
    std::map<ReviewState, std::int64_t> countByState();
    std::vector<PairRecord> page(const PageRequest &page, std::optional<ReviewState> state = {});

    /// Approve, reject or reset to pending; one history row each.
    void setReviewState(std::int64_t id, ReviewState state, const std::string &author);
    /// Replaces one side's text; the pair becomes "edited" and the old text is kept
    /// in the history.
    void editText(std::int64_t id, PairSide side, const std::string &text, const std::string &author);
    /// Exchanges chosen and rejected (candidates, critiques and texts); gap flips sign.
    void swap(std::int64_t id, const std::string &author);
    std::vector<PairHistoryEntry> history(std::int64_t id);
    /// Writes every reviewable field of `pair` (candidates, critiques, gap, state,
    /// both texts) over the row with its id, with one history row `action` whose
    /// old and new values are JSON summaries. For undo (a snapshot written back)
    /// and re-judging (a side replaced by a judged edit). The candidates must
    /// answer the pair's prompt.
    void overwrite(const PairRecord &pair, const std::string &action, const std::string &author);
    /// Per policy iteration (of the sampled answers): how many prompts were
    /// sampled and how many pairs were built from them.
    struct IterationYield {
        std::int64_t promptsSampled = 0;
        std::int64_t pairs = 0;
    };
    std::map<int, IterationYield> yieldByIteration();
    /// Ids of the pairs in `state` whose gap is at least `minGap`, by id.
    std::vector<std::int64_t> idsWithGapAtLeast(double minGap, ReviewState state);

private:
    void checkCandidates(const PairRecord &pair);
    void addHistory(std::int64_t id, const std::string &action, const std::string &oldValue,
                    const std::string &newValue, const std::string &author);

    Database &m_db;
};

} // namespace rlrf::store
