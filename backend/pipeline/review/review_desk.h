// SPDX-License-Identifier: GPL-3.0-or-later
// The Pairs area's actions as plain calls for the thread that owns the project's
// writer connection (the workbench's backend thread): one desk per open project
// keeps the judge that re-rates edits and the undo history between actions, and
// every call returns a plain result for the view. Torch-free, Qt-free.
#pragma once

#include "feedback/judge.h"
#include "store/pair_repository.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace rlrf::store {
class Project;
}

namespace rlrf::review {

class PairReview;

/// Makes the judge for edited answers from the project's task name.
using JudgeFactory = std::function<std::unique_ptr<feedback::Judge>(const std::string &task)>;

/// The task's own judge: "rule:arith" for arith, "verifier:TASK" otherwise.
std::string editJudgeSpec(const std::string &task);
std::unique_ptr<feedback::Judge> makeEditJudge(const std::string &task);

enum class ReviewActionKind { Approve, Reject, Swap, Edit, ApproveByGap, Undo };

struct ReviewAction {
    ReviewActionKind kind = ReviewActionKind::Approve;
    std::int64_t pairId = 0;                        // Approve, Reject, Swap, Edit
    store::PairSide side = store::PairSide::Chosen; // Edit
    std::string text;                               // Edit: the new answer
    double minGap = 0.0;                            // ApproveByGap
};

struct ReviewResult {
    std::vector<std::int64_t> touched; // the pairs the action changed, by id
    std::int64_t approved = 0;         // ApproveByGap: how many
    bool canUndo = false;              // whether a further undo has something to revert
};

class ReviewDesk {
public:
    explicit ReviewDesk(std::string author, JudgeFactory judges = makeEditJudge);
    ~ReviewDesk();
    ReviewDesk(const ReviewDesk &) = delete;
    ReviewDesk &operator=(const ReviewDesk &) = delete;

    /// Reads the project's current rubric and makes its judge; returns the judge's
    /// id. Throws rlrf::Error when the project has no rubric or the task no judge
    /// (the queue can then be read, not changed).
    std::string open(store::Project &project);
    /// Runs one action on the project `open` was given; throws rlrf::Error (the
    /// store's or the judge's) and then leaves the pairs as they were.
    ReviewResult apply(store::Project &project, const ReviewAction &action);

private:
    std::string m_author;
    JudgeFactory m_judges;
    store::Project *m_project = nullptr;
    std::unique_ptr<feedback::Judge> m_judge;
    std::unique_ptr<PairReview> m_review;
};

} // namespace rlrf::review
