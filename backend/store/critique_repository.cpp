// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/critique_repository.h"

#include "core/error.h"
#include "store/database.h"
#include "store/paging.h"
#include "store/transaction.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <set>
#include <unordered_map>

namespace rlrf::store {
namespace {

const char *const kColumns =
    "SELECT id, candidate_id, rubric_version_id, judge, overall, reward, raw_output, parse_status, parse_error, "
    "created_at FROM critiques";

CritiqueRecord readCritique(const Statement &st)
{
    CritiqueRecord r;
    r.id = st.int64At(0);
    r.candidateId = st.int64At(1);
    r.rubricVersionId = st.optionalInt64At(2);
    r.critique.judge = st.textAt(3);
    r.critique.overall = st.doubleAt(4);
    r.critique.reward = st.optionalDoubleAt(5);
    r.critique.rawOutput = st.textAt(6);
    r.critique.parseStatus = st.textAt(7) == "ok" ? feedback::ParseStatus::Ok : feedback::ParseStatus::Failed;
    r.critique.parseError = st.textAt(8);
    r.createdAt = st.textAt(9);
    return r;
}

} // namespace

void CritiqueRepository::validate(const NewCritique &c) const
{
    const auto &k = c.critique;
    const std::string where = "critique of candidate " + std::to_string(c.candidateId);
    if (k.judge.empty())
        throw Error(where + ": the judge is not named", {m_db.path(), 0, "judge"});
    if (!std::isfinite(k.overall) || k.overall < 0.0 || k.overall > 1.0)
        throw Error(where + ": overall score " + std::to_string(k.overall) + " is outside [0, 1]",
                    {m_db.path(), 0, "overall"});
    if (k.reward && !std::isfinite(*k.reward))
        throw Error(where + ": reward is not a finite number", {m_db.path(), 0, "reward"});
    if (k.parseStatus == feedback::ParseStatus::Failed && k.parseError.empty())
        throw Error(where + ": a failed parse must say why", {m_db.path(), 0, "parse_error"});
    std::set<std::string> seen;
    for (size_t i = 0; i < k.aspects.size(); ++i) {
        const auto &a = k.aspects[i];
        const std::string field = "aspects[" + std::to_string(i) + "]";
        if (a.rating < feedback::kNotApplicable || a.rating > 3)
            throw Error(where + ": rating " + std::to_string(a.rating) + " of '" + a.aspect
                            + "' is outside 0-3 (0 = not applicable)",
                        {m_db.path(), 0, field + ".rating"});
        if (a.aspect.empty() || !seen.insert(a.aspect).second)
            throw Error(where + ": aspect name empty or given twice ('" + a.aspect + "')",
                        {m_db.path(), 0, field + ".aspect"});
    }
}

std::int64_t CritiqueRepository::insert(const NewCritique &c)
{
    validate(c);
    const auto &k = c.critique;
    Transaction tx(m_db); // the critique and its aspect rows land together
    m_db.cached("INSERT INTO critiques (candidate_id, judge, rubric_version_id, overall, reward, raw_output, "
                "parse_status, parse_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .bindAll(c.candidateId, k.judge, c.rubricVersionId, k.overall, k.reward, k.rawOutput,
                 std::string(k.parseStatus == feedback::ParseStatus::Ok ? "ok" : "failed"), k.parseError)
        .run();
    const std::int64_t id = m_db.lastInsertId();
    for (size_t i = 0; i < k.aspects.size(); ++i) {
        const auto &a = k.aspects[i];
        m_db.cached("INSERT INTO critique_aspects (critique_id, position, aspect, rating, rationale) "
                    "VALUES (?, ?, ?, ?, ?)")
            .bindAll(id, static_cast<std::int64_t>(i), a.aspect, a.rating, a.rationale)
            .run();
    }
    tx.commit();
    return id;
}

std::vector<std::int64_t> CritiqueRepository::insertBatch(const std::vector<NewCritique> &critiques)
{
    std::vector<std::int64_t> ids;
    ids.reserve(critiques.size());
    Transaction tx(m_db);
    for (const auto &c : critiques)
        ids.push_back(insert(c));
    tx.commit();
    return ids;
}

std::vector<CritiqueRecord> CritiqueRepository::readWithAspects(Statement &st)
{
    std::vector<CritiqueRecord> list;
    std::unordered_map<std::int64_t, size_t> position;
    nlohmann::json ids = nlohmann::json::array();
    while (st.step()) {
        list.push_back(readCritique(st));
        position[list.back().id] = list.size() - 1;
        ids.push_back(list.back().id);
    }
    if (list.empty())
        return list;
    // One query for the aspects of the whole list (ids passed as a JSON array)
    // instead of one per critique: listing a prompt's 50 critiques stays at two
    // index walks however large the project is.
    Statement &a = m_db.cached("SELECT critique_id, aspect, rating, rationale FROM critique_aspects "
                               "WHERE critique_id IN (SELECT value FROM json_each(?)) ORDER BY critique_id, position");
    a.bind(1, ids.dump());
    while (a.step())
        list[position.at(a.int64At(0))].critique.aspects.push_back({a.textAt(1), a.intAt(2), a.textAt(3)});
    a.reset();
    return list;
}

CritiqueRecord CritiqueRepository::byId(std::int64_t id)
{
    Statement st = m_db.prepare(std::string(kColumns) + " WHERE id = ?");
    st.bind(1, id);
    auto list = readWithAspects(st);
    if (list.empty())
        detail::throwMissing(m_db.path(), "critique", id);
    return list.front();
}

std::vector<CritiqueRecord> CritiqueRepository::forCandidate(std::int64_t candidateId)
{
    Statement st = m_db.prepare(std::string(kColumns) + " WHERE candidate_id = ? ORDER BY id");
    st.bind(1, candidateId);
    return readWithAspects(st);
}

std::vector<CritiqueRecord> CritiqueRepository::forPrompt(std::int64_t promptId)
{
    Statement st = m_db.prepare(std::string(kColumns)
                                + " WHERE candidate_id IN (SELECT id FROM candidates WHERE prompt_id = ?)"
                                  " ORDER BY candidate_id, id");
    st.bind(1, promptId);
    return readWithAspects(st);
}

std::int64_t CritiqueRepository::count()
{
    return m_db.scalar("SELECT count(*) FROM critiques");
}

std::int64_t CritiqueRepository::countParseFailures()
{
    return m_db.scalar("SELECT count(*) FROM critiques WHERE parse_status = 'failed'");
}

std::vector<CritiqueRecord> CritiqueRepository::page(const PageRequest &page)
{
    static const std::map<std::string, std::string> kSort{
        {"id", "id"}, {"candidate", "candidate_id"}, {"overall", "overall"}, {"judge", "judge"}};
    Statement st = m_db.prepare(std::string(kColumns) + detail::pageClause(page, kSort, "id", "critiques"));
    if (page.afterId)
        st.bind(1, *page.afterId);
    return readWithAspects(st);
}

} // namespace rlrf::store
