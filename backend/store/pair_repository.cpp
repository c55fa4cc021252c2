// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/pair_repository.h"

#include "core/error.h"
#include "store/database.h"
#include "store/paging.h"
#include "store/transaction.h"

#include <nlohmann/json.hpp>

namespace rlrf::store {
namespace {

// The effective texts: a reviewer's edit wins over the candidate's own text.
const char *const kColumns =
    "SELECT p.id, p.prompt_id, p.chosen_candidate_id, p.rejected_candidate_id, p.chosen_critique_id, "
    "p.rejected_critique_id, p.rule, p.gap, p.review_state, coalesce(p.chosen_text, c.text), "
    "coalesce(p.rejected_text, r.text), p.created_at FROM pairs p "
    "JOIN candidates c ON c.id = p.chosen_candidate_id JOIN candidates r ON r.id = p.rejected_candidate_id";

PairRecord readPair(const Statement &st)
{
    PairRecord p;
    p.id = st.int64At(0);
    p.promptId = st.int64At(1);
    p.chosenCandidateId = st.int64At(2);
    p.rejectedCandidateId = st.int64At(3);
    p.chosenCritiqueId = st.optionalInt64At(4);
    p.rejectedCritiqueId = st.optionalInt64At(5);
    p.rule = st.textAt(6);
    p.gap = st.doubleAt(7);
    p.reviewState = parseReviewState(st.textAt(8));
    p.chosenText = st.textAt(9);
    p.rejectedText = st.textAt(10);
    p.createdAt = st.textAt(11);
    return p;
}

} // namespace

std::int64_t PairRepository::insert(const PairRecord &pair)
{
    if (pair.rule.empty())
        throw Error("a pair names the rule that built it", {m_db.path(), 0, "rule"});
    checkCandidates(pair);
    m_db.cached("INSERT INTO pairs (prompt_id, chosen_candidate_id, rejected_candidate_id, chosen_critique_id, "
                "rejected_critique_id, rule, gap, review_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .bindAll(pair.promptId, pair.chosenCandidateId, pair.rejectedCandidateId, pair.chosenCritiqueId,
                 pair.rejectedCritiqueId, pair.rule, pair.gap, toString(pair.reviewState))
        .run();
    return m_db.lastInsertId();
}

void PairRepository::checkCandidates(const PairRecord &pair)
{
    for (const auto candidateId : {pair.chosenCandidateId, pair.rejectedCandidateId}) {
        Statement &st = m_db.cached("SELECT prompt_id FROM candidates WHERE id = ?");
        st.bind(1, candidateId);
        if (!st.step())
            detail::throwMissing(m_db.path(), "candidate", candidateId);
        const auto promptId = st.int64At(0);
        st.reset();
        if (promptId != pair.promptId)
            throw Error("candidate " + std::to_string(candidateId) + " answers prompt " + std::to_string(promptId)
                            + ", not the pair's prompt " + std::to_string(pair.promptId),
                        {m_db.path(), 0, "prompt_id"});
    }
}

PairRecord PairRepository::byId(std::int64_t id)
{
    Statement st = m_db.prepare(std::string(kColumns) + " WHERE p.id = ?");
    st.bind(1, id);
    if (!st.step())
        detail::throwMissing(m_db.path(), "pair", id);
    return readPair(st);
}

std::int64_t PairRepository::count(std::optional<ReviewState> state)
{
    Statement st = m_db.prepare(state ? "SELECT count(*) FROM pairs WHERE review_state = ?"
                                      : "SELECT count(*) FROM pairs");
    if (state)
        st.bind(1, toString(*state));
    st.step();
    return st.int64At(0);
}

std::map<ReviewState, std::int64_t> PairRepository::countByState()
{
    std::map<ReviewState, std::int64_t> counts{{ReviewState::Pending, 0}, {ReviewState::Approved, 0},
                                              {ReviewState::Rejected, 0}, {ReviewState::Edited, 0}};
    Statement st = m_db.prepare("SELECT review_state, count(*) FROM pairs GROUP BY review_state");
    while (st.step())
        counts[parseReviewState(st.textAt(0))] = st.int64At(1);
    return counts;
}

std::vector<PairRecord> PairRepository::page(const PageRequest &page, std::optional<ReviewState> state)
{
    static const std::map<std::string, std::string> kSort{
        {"id", "p.id"}, {"gap", "p.gap"}, {"prompt", "p.prompt_id"}, {"state", "p.review_state"}};
    Statement st = m_db.prepare(std::string(kColumns)
                                + detail::pageClause(page, kSort, "p.id", "pairs p", state ? "p.review_state = ?" : ""));
    int next = 1;
    if (state)
        st.bind(next++, toString(*state));
    if (page.afterId)
        st.bind(next, *page.afterId);
    std::vector<PairRecord> list;
    while (st.step())
        list.push_back(readPair(st));
    return list;
}

void PairRepository::addHistory(std::int64_t id, const std::string &action, const std::string &oldValue,
                                const std::string &newValue, const std::string &author)
{
    m_db.cached("INSERT INTO pair_history (pair_id, action, old_value, new_value, author) VALUES (?, ?, ?, ?, ?)")
        .bindAll(id, action, oldValue, newValue, author)
        .run();
}

void PairRepository::setReviewState(std::int64_t id, ReviewState state, const std::string &author)
{
    if (state == ReviewState::Edited)
        throw Error("a pair becomes 'edited' by editing a text, not by setting the state", {m_db.path(), 0, "review_state"});
    Transaction tx(m_db);
    const PairRecord before = byId(id);
    m_db.prepare("UPDATE pairs SET review_state = ? WHERE id = ?").bindAll(toString(state), id).run();
    const char *action = state == ReviewState::Approved ? "approve" : state == ReviewState::Rejected ? "reject" : "reset";
    addHistory(id, action, toString(before.reviewState), toString(state), author);
    tx.commit();
}

void PairRepository::editText(std::int64_t id, PairSide side, const std::string &text, const std::string &author)
{
    Transaction tx(m_db);
    const PairRecord before = byId(id);
    const bool chosen = side == PairSide::Chosen;
    m_db.prepare(chosen ? "UPDATE pairs SET chosen_text = ?, review_state = 'edited' WHERE id = ?"
                        : "UPDATE pairs SET rejected_text = ?, review_state = 'edited' WHERE id = ?")
        .bindAll(text, id)
        .run();
    addHistory(id, chosen ? "edit_chosen" : "edit_rejected", chosen ? before.chosenText : before.rejectedText, text,
               author);
    tx.commit();
}

void PairRepository::swap(std::int64_t id, const std::string &author)
{
    Transaction tx(m_db);
    byId(id); // names a missing pair
    m_db.prepare("UPDATE pairs SET chosen_candidate_id = rejected_candidate_id, rejected_candidate_id = chosen_candidate_id, "
                 "chosen_critique_id = rejected_critique_id, rejected_critique_id = chosen_critique_id, "
                 "chosen_text = rejected_text, rejected_text = chosen_text, gap = -gap WHERE id = ?")
        .bind(1, id)
        .run();
    addHistory(id, "swap", {}, {}, author);
    tx.commit();
}

std::vector<PairHistoryEntry> PairRepository::history(std::int64_t id)
{
    Statement st = m_db.prepare(
        "SELECT id, pair_id, action, old_value, new_value, author, at FROM pair_history WHERE pair_id = ? ORDER BY id");
    st.bind(1, id);
    std::vector<PairHistoryEntry> list;
    while (st.step())
        list.push_back({st.int64At(0), st.int64At(1), st.textAt(2), st.textAt(3), st.textAt(4), st.textAt(5),
                        st.textAt(6)});
    return list;
}

namespace {

std::string summary(const PairRecord &p)
{
    nlohmann::json j = {{"chosen_candidate", p.chosenCandidateId}, {"rejected_candidate", p.rejectedCandidateId},
                        {"gap", p.gap}, {"state", toString(p.reviewState)}};
    j["chosen_critique"] = p.chosenCritiqueId ? nlohmann::json(*p.chosenCritiqueId) : nlohmann::json();
    j["rejected_critique"] = p.rejectedCritiqueId ? nlohmann::json(*p.rejectedCritiqueId) : nlohmann::json();
    return j.dump();
}

} // namespace

void PairRepository::overwrite(const PairRecord &pair, const std::string &action, const std::string &author)
{
    Transaction tx(m_db);
    const PairRecord before = byId(pair.id);
    if (pair.promptId != before.promptId)
        throw Error("pair " + std::to_string(pair.id) + " answers prompt " + std::to_string(before.promptId)
                        + ", not " + std::to_string(pair.promptId),
                    {m_db.path(), 0, "prompt_id"});
    checkCandidates(pair);
    m_db.prepare("UPDATE pairs SET chosen_candidate_id = ?, rejected_candidate_id = ?, chosen_critique_id = ?, "
                 "rejected_critique_id = ?, gap = ?, review_state = ?, chosen_text = ?, rejected_text = ? WHERE id = ?")
        .bindAll(pair.chosenCandidateId, pair.rejectedCandidateId, pair.chosenCritiqueId, pair.rejectedCritiqueId,
                 pair.gap, toString(pair.reviewState), pair.chosenText, pair.rejectedText, pair.id)
        .run();
    addHistory(pair.id, action, summary(before), summary(pair), author);
    tx.commit();
}

std::map<int, PairRepository::IterationYield> PairRepository::yieldByIteration()
{
    std::map<int, IterationYield> yield;
    // Refinements and reviewers' edits are not samples: count the prompts that
    // were sampled, and pairs by the iteration of their rejected (sampled) answer.
    Statement samples = m_db.prepare("SELECT iteration, count(DISTINCT prompt_id) FROM candidates "
                                     "WHERE parent_candidate_id IS NULL AND sampling_params NOT LIKE '%\"edit_of\"%' "
                                     "GROUP BY iteration");
    while (samples.step())
        yield[static_cast<int>(samples.int64At(0))].promptsSampled = samples.int64At(1);
    Statement pairs = m_db.prepare("SELECT c.iteration, count(*) FROM pairs p JOIN candidates c "
                                   "ON c.id = p.rejected_candidate_id GROUP BY c.iteration");
    while (pairs.step())
        yield[static_cast<int>(pairs.int64At(0))].pairs = pairs.int64At(1);
    return yield;
}

std::vector<std::int64_t> PairRepository::idsWithGapAtLeast(double minGap, ReviewState state)
{
    Statement st = m_db.prepare("SELECT id FROM pairs WHERE review_state = ? AND gap >= ? ORDER BY id");
    st.bindAll(toString(state), minGap);
    std::vector<std::int64_t> ids;
    while (st.step())
        ids.push_back(st.int64At(0));
    return ids;
}

} // namespace rlrf::store
