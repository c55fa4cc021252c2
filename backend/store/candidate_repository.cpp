// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/candidate_repository.h"

#include "core/error.h"
#include "store/database.h"
#include "store/paging.h"

namespace rlrf::store {
namespace {

const char *const kColumns =
    "SELECT id, prompt_id, iteration, checkpoint_id, text, token_count, sampling_params, seed, "
    "parent_candidate_id, critique_used_id, created_at FROM candidates";

CandidateRecord readCandidate(const Statement &st)
{
    CandidateRecord c;
    c.id = st.int64At(0);
    c.promptId = st.int64At(1);
    c.iteration = st.intAt(2);
    c.checkpointId = st.optionalInt64At(3);
    c.text = st.textAt(4);
    c.tokenCount = st.int64At(5);
    c.samplingParamsJson = st.textAt(6);
    c.seed = st.int64At(7);
    c.parentCandidateId = st.optionalInt64At(8);
    c.critiqueUsedId = st.optionalInt64At(9);
    c.createdAt = st.textAt(10);
    return c;
}

std::vector<CandidateRecord> readAll(Statement &st)
{
    std::vector<CandidateRecord> list;
    while (st.step())
        list.push_back(readCandidate(st));
    return list;
}

} // namespace

void CandidateRepository::checkLineage(const CandidateRecord &c)
{
    if (c.parentCandidateId.has_value() != c.critiqueUsedId.has_value())
        throw Error("a refinement records both its parent candidate and the critique it used",
                    {m_db.path(), 0, c.parentCandidateId ? "critique_used_id" : "parent_candidate_id"});
    if (!c.parentCandidateId)
        return;
    const CandidateRecord parent = byId(*c.parentCandidateId);
    if (parent.promptId != c.promptId)
        throw Error("refinement of candidate " + std::to_string(parent.id) + " must answer the same prompt ("
                        + std::to_string(parent.promptId) + ", not " + std::to_string(c.promptId) + ")",
                    {m_db.path(), 0, "prompt_id"});
    Statement &st = m_db.cached("SELECT candidate_id FROM critiques WHERE id = ?");
    st.bind(1, *c.critiqueUsedId);
    if (!st.step())
        detail::throwMissing(m_db.path(), "critique", *c.critiqueUsedId);
    const std::int64_t critiquedCandidate = st.int64At(0);
    st.reset();
    if (critiquedCandidate != parent.id)
        throw Error("critique " + std::to_string(*c.critiqueUsedId) + " is not a critique of candidate "
                        + std::to_string(parent.id),
                    {m_db.path(), 0, "critique_used_id"});
}

std::int64_t CandidateRepository::insert(const CandidateRecord &c)
{
    if (c.tokenCount < 0)
        throw Error("token count must not be negative", {m_db.path(), 0, "token_count"});
    checkLineage(c);
    m_db.cached("INSERT INTO candidates (prompt_id, iteration, checkpoint_id, text, token_count, sampling_params, "
                "seed, parent_candidate_id, critique_used_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bindAll(c.promptId, c.iteration, c.checkpointId, c.text, c.tokenCount, c.samplingParamsJson, c.seed,
                 c.parentCandidateId, c.critiqueUsedId)
        .run();
    return m_db.lastInsertId();
}

CandidateRecord CandidateRepository::byId(std::int64_t id)
{
    Statement &st = m_db.cached(std::string(kColumns) + " WHERE id = ?");
    st.bind(1, id);
    if (!st.step())
        detail::throwMissing(m_db.path(), "candidate", id);
    const auto record = readCandidate(st);
    st.reset(); // a finished read must not keep its snapshot open
    return record;
}

std::int64_t CandidateRepository::count(std::optional<std::int64_t> promptId)
{
    Statement st = m_db.prepare(promptId ? "SELECT count(*) FROM candidates WHERE prompt_id = ?"
                                         : "SELECT count(*) FROM candidates");
    if (promptId)
        st.bind(1, *promptId);
    st.step();
    return st.int64At(0);
}

std::int64_t CandidateRepository::countSamples()
{
    return m_db.scalar("SELECT count(*) FROM candidates WHERE parent_candidate_id IS NULL");
}

std::int64_t CandidateRepository::countRefinements()
{
    return m_db.scalar("SELECT count(*) FROM candidates WHERE parent_candidate_id IS NOT NULL");
}

std::vector<CandidateRecord> CandidateRepository::page(const PageRequest &page, std::optional<std::int64_t> promptId)
{
    static const std::map<std::string, std::string> kSort{
        {"id", "id"}, {"prompt", "prompt_id"}, {"iteration", "iteration"}, {"token_count", "token_count"}};
    Statement st = m_db.prepare(std::string(kColumns)
                                + detail::pageClause(page, kSort, "id", "candidates", promptId ? "prompt_id = ?" : ""));
    int next = 1;
    if (promptId)
        st.bind(next++, *promptId);
    if (page.afterId)
        st.bind(next, *page.afterId);
    return readAll(st);
}

std::vector<CandidateRecord> CandidateRepository::forPrompt(std::int64_t promptId)
{
    Statement &st = m_db.cached(std::string(kColumns) + " WHERE prompt_id = ? ORDER BY iteration, id");
    st.bind(1, promptId);
    return readAll(st);
}

std::vector<CandidateRecord> CandidateRepository::refinementsOf(std::int64_t candidateId)
{
    Statement &st = m_db.cached(std::string(kColumns) + " WHERE parent_candidate_id = ? ORDER BY id");
    st.bind(1, candidateId);
    return readAll(st);
}

} // namespace rlrf::store
