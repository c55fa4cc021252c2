// SPDX-License-Identifier: GPL-3.0-or-later
// Reviewing preference pairs before they are trained: approve, reject, swap, edit
// (the edited text is judged again, so its scores and the pair's gap stay true),
// approve many by a rule, and undo. Every action goes through the store, which
// keeps a history row for it; undo writes the pair's earlier state back (and is
// itself recorded). Torch-free, Qt-free: the Pairs view drives it.
#pragma once

#include "feedback/judge.h"
#include "store/pair_repository.h"
#include "types/rubric.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rlrf::store {
class Project;
}

namespace rlrf::review {

class PairReview {
public:
    /// `judge` re-rates edited texts with `rubric` (stored as `rubricVersionId`).
    PairReview(store::Project &project, feedback::Judge &judge, feedback::Rubric rubric,
               std::optional<std::int64_t> rubricVersionId, std::string author);

    void approve(std::int64_t pairId);
    void reject(std::int64_t pairId);
    void swap(std::int64_t pairId);
    /// Replaces one side's text, judges it, and makes the judged text that side
    /// of the pair (a new candidate row marked as an edit of the old one, with its
    /// critique); the gap is recomputed from both sides' overall scores. A judge
    /// that throws leaves the pair untouched.
    void edit(std::int64_t pairId, store::PairSide side, const std::string &text);
    /// Approves every pending pair whose gap is at least `minGap`; one undo step.
    /// Returns how many were approved.
    std::int64_t approveAllWithGapAtLeast(double minGap);

    bool canUndo() const { return !m_undo.empty(); }
    /// Reverts the last action (all pairs of a bulk action); returns the pair ids
    /// it touched (empty when there was nothing to undo).
    std::vector<std::int64_t> undo();

private:
    void remember(std::vector<store::PairRecord> snapshots);
    double overallOf(std::optional<std::int64_t> critiqueId);

    store::Project &m_project;
    store::PairRepository m_pairs;
    feedback::Judge &m_judge;
    feedback::Rubric m_rubric;
    std::optional<std::int64_t> m_rubricVersionId;
    std::string m_author;
    std::vector<std::vector<store::PairRecord>> m_undo;
};

} // namespace rlrf::review
