// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/review/pair_review.h"

#include "core/error.h"
#include "core/logging.h"
#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/project_file.h"
#include "store/prompt_repository.h"
#include "store/transaction.h"

#include <nlohmann/json.hpp>

#include <utility>

namespace rlrf::review {

PairReview::PairReview(store::Project &project, feedback::Judge &judge, feedback::Rubric rubric,
                       std::optional<std::int64_t> rubricVersionId, std::string author)
    : m_project(project), m_pairs(project.db()), m_judge(judge), m_rubric(std::move(rubric)),
      m_rubricVersionId(rubricVersionId), m_author(std::move(author))
{
}

void PairReview::remember(std::vector<store::PairRecord> snapshots)
{
    m_undo.push_back(std::move(snapshots));
}

void PairReview::approve(std::int64_t pairId)
{
    auto before = m_pairs.byId(pairId);
    m_pairs.setReviewState(pairId, store::ReviewState::Approved, m_author);
    remember({std::move(before)});
}

void PairReview::reject(std::int64_t pairId)
{
    auto before = m_pairs.byId(pairId);
    m_pairs.setReviewState(pairId, store::ReviewState::Rejected, m_author);
    remember({std::move(before)});
}

void PairReview::swap(std::int64_t pairId)
{
    auto before = m_pairs.byId(pairId);
    m_pairs.swap(pairId, m_author);
    remember({std::move(before)});
}

double PairReview::overallOf(std::optional<std::int64_t> critiqueId)
{
    if (!critiqueId)
        return 0.0;
    return store::CritiqueRepository(m_project.db()).byId(*critiqueId).critique.overall;
}

void PairReview::edit(std::int64_t pairId, store::PairSide side, const std::string &text)
{
    if (text.empty())
        throw Error("an edited answer cannot be empty", {m_project.path(), 0, "text"});
    auto &db = m_project.db();
    const store::PairRecord before = m_pairs.byId(pairId);
    const store::PromptRecord prompt = store::PromptRepository(db).byId(before.promptId);
    // Judge first: a judge that fails must not leave a half-edited pair behind.
    const feedback::Critique critique = m_judge.judge({prompt.text, text, prompt.referenceAnswer}, m_rubric);

    const bool chosen = side == store::PairSide::Chosen;
    const std::int64_t oldCandidateId = chosen ? before.chosenCandidateId : before.rejectedCandidateId;
    store::CandidateRepository candidates(db);
    store::CandidateRecord edited = candidates.byId(oldCandidateId);
    edited.id = 0;
    edited.text = text;
    edited.tokenCount = 0; // not tokenised: a person wrote it
    edited.samplingParamsJson =
        nlohmann::json{{"edit_of", oldCandidateId}, {"pair", pairId}, {"by", m_author}}.dump();
    edited.seed = 0;
    edited.parentCandidateId.reset(); // an edit, not a refinement written from a critique
    edited.critiqueUsedId.reset();

    store::Transaction tx(db);
    m_pairs.editText(pairId, side, text, m_author);
    const auto candidateId = candidates.insert(edited);
    const auto critiqueId = store::CritiqueRepository(db).insert({candidateId, m_rubricVersionId, critique});
    store::PairRecord after = m_pairs.byId(pairId);
    (chosen ? after.chosenCandidateId : after.rejectedCandidateId) = candidateId;
    (chosen ? after.chosenCritiqueId : after.rejectedCritiqueId) = critiqueId;
    after.gap = overallOf(after.chosenCritiqueId) - overallOf(after.rejectedCritiqueId);
    m_pairs.overwrite(after, "rejudge", m_judge.id());
    tx.commit();
    log::get("review")->info("pair {}: edited {} judged {:.3f} by {}; gap {:.3f}", pairId, chosen ? "chosen" : "rejected",
                             critique.overall, m_judge.id(), after.gap);
    remember({before});
}

std::int64_t PairReview::approveAllWithGapAtLeast(double minGap)
{
    const auto ids = m_pairs.idsWithGapAtLeast(minGap, store::ReviewState::Pending);
    if (ids.empty())
        return 0;
    std::vector<store::PairRecord> snapshots;
    store::Transaction tx(m_project.db());
    for (const auto id : ids) {
        snapshots.push_back(m_pairs.byId(id));
        m_pairs.setReviewState(id, store::ReviewState::Approved, m_author);
    }
    tx.commit();
    remember(std::move(snapshots));
    return static_cast<std::int64_t>(ids.size());
}

std::vector<std::int64_t> PairReview::undo()
{
    std::vector<std::int64_t> touched;
    if (m_undo.empty())
        return touched;
    const auto snapshots = std::move(m_undo.back());
    m_undo.pop_back();
    store::Transaction tx(m_project.db());
    for (const auto &snapshot : snapshots) {
        m_pairs.overwrite(snapshot, "undo", m_author);
        touched.push_back(snapshot.id);
    }
    tx.commit();
    return touched;
}

} // namespace rlrf::review
