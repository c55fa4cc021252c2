// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/review/review_desk.h"

#include "pipeline/review/pair_review.h"

#include "core/error.h"
#include "feedback/judge_factory.h"
#include "store/project_file.h"
#include "store/rubric_repository.h"

#include <utility>

namespace rlrf::review {

std::string editJudgeSpec(const std::string &task)
{
    return feedback::defaultJudgeSpec(task);
}

std::unique_ptr<feedback::Judge> makeEditJudge(const std::string &task)
{
    return feedback::makeJudge(editJudgeSpec(task));
}

ReviewDesk::ReviewDesk(std::string author, JudgeFactory judges)
    : m_author(std::move(author)), m_judges(std::move(judges))
{
}

ReviewDesk::~ReviewDesk() = default;

std::string ReviewDesk::open(store::Project &project)
{
    m_review.reset();
    m_judge.reset();
    m_project = &project;
    store::RubricRepository rubrics(project.db());
    const auto version = rubrics.current();
    if (!version)
        throw Error("the project has no rubric yet, so edits cannot be judged", {project.path(), 0, "rubric"});
    const std::string task = project.info().task;
    m_judge = m_judges(task);
    if (!m_judge)
        throw Error("no judge for edited answers of task '" + task + "'", {project.path(), 0, "task"});
    m_review = std::make_unique<PairReview>(project, *m_judge, rubrics.load(*version), version->id, m_author);
    return m_judge->id();
}

ReviewResult ReviewDesk::apply(store::Project &project, const ReviewAction &action)
{
    if (!m_review || m_project != &project)
        throw Error("the review of this project is not open (no rubric or no judge)", {project.path(), 0, "review"});
    ReviewResult result;
    switch (action.kind) {
    case ReviewActionKind::Approve: m_review->approve(action.pairId); break;
    case ReviewActionKind::Reject: m_review->reject(action.pairId); break;
    case ReviewActionKind::Swap: m_review->swap(action.pairId); break;
    case ReviewActionKind::Edit: m_review->edit(action.pairId, action.side, action.text); break;
    case ReviewActionKind::ApproveByGap: result.approved = m_review->approveAllWithGapAtLeast(action.minGap); break;
    case ReviewActionKind::Undo: result.touched = m_review->undo(); break;
    }
    if (action.kind != ReviewActionKind::Undo && action.kind != ReviewActionKind::ApproveByGap)
        result.touched = {action.pairId};
    result.canUndo = m_review->canUndo();
    return result;
}

} // namespace rlrf::review
