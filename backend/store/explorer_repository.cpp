// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/explorer_repository.h"

#include "core/error.h"
#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/database.h"
#include "store/paging.h"

#include <map>

namespace rlrf::store {
namespace {

// One row per prompt with its summary. The aggregates are correlated
// subqueries, so a page in id order only computes its own rows; a page sorted
// by score or gap has to compute every prompt (one pass over the candidates).
// A candidate's score is its newest parsed critique.
const char *const kSummary = R"sql(
WITH scored AS NOT MATERIALIZED (
    SELECT c.id AS cid, c.prompt_id AS pid, c.parent_candidate_id IS NOT NULL AS refined,
           (SELECT k.overall FROM critiques k WHERE k.candidate_id = c.id AND k.parse_status = 'ok'
            ORDER BY k.id DESC LIMIT 1) AS score,
           EXISTS (SELECT 1 FROM critiques k WHERE k.candidate_id = c.id) AS judged
    FROM candidates c
),
base AS NOT MATERIALIZED (
    SELECT p.id AS id, p.text AS text, p.split AS split,
           (SELECT count(*) FROM scored WHERE pid = p.id AND NOT refined) AS samples,
           (SELECT count(*) FROM scored WHERE pid = p.id AND refined) AS refinements,
           (SELECT count(*) FROM scored WHERE pid = p.id AND judged) AS judged,
           (SELECT max(score) FROM scored WHERE pid = p.id) AS best,
           (SELECT min(score) FROM scored WHERE pid = p.id) AS worst
    FROM prompts p
),
s AS NOT MATERIALIZED (
    SELECT *, CASE WHEN refinements > 0 THEN 3 WHEN samples = 0 THEN 0
                   WHEN judged >= samples + refinements THEN 2 ELSE 1 END AS state
    FROM base
)
SELECT id, text, split, samples, refinements, judged, best, worst, state FROM s)sql";

const std::map<std::string, std::string> &sortColumns()
{
    static const std::map<std::string, std::string> columns{{"id", "id"},
                                                            {"score", "coalesce(best, -1)"},
                                                            {"gap", "coalesce(best - worst, -1)"},
                                                            {"state", "state"},
                                                            {"candidates", "samples"}};
    return columns;
}

std::string escapeLike(const std::string &text)
{
    std::string out;
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}

std::string filterSql(const PromptFilter &filter)
{
    std::string sql;
    auto add = [&sql](const std::string &part) { sql += (sql.empty() ? "" : " AND ") + part; };
    if (!filter.search.empty())
        add("text LIKE ? ESCAPE '\\'");
    if (filter.split)
        add("split = ?");
    if (filter.state)
        add("state = ?");
    return sql;
}

int bindFilter(Statement &st, const PromptFilter &filter)
{
    int next = 1;
    if (!filter.search.empty())
        st.bind(next++, "%" + escapeLike(filter.search) + "%");
    if (filter.split)
        st.bind(next++, toString(*filter.split));
    if (filter.state)
        st.bind(next++, static_cast<int>(*filter.state));
    return next;
}

PromptSummary readSummary(const Statement &st)
{
    PromptSummary s;
    s.id = st.int64At(0);
    s.text = st.textAt(1);
    s.split = parseSplit(st.textAt(2));
    s.samples = st.int64At(3);
    s.refinements = st.int64At(4);
    s.judged = st.int64At(5);
    s.best = st.optionalDoubleAt(6);
    s.worst = st.optionalDoubleAt(7);
    s.state = static_cast<PromptState>(st.intAt(8));
    return s;
}

std::optional<CritiqueRecord> newestParsed(const std::vector<CritiqueRecord> &critiques)
{
    for (auto it = critiques.rbegin(); it != critiques.rend(); ++it)
        if (it->critique.parseStatus == feedback::ParseStatus::Ok)
            return *it;
    return std::nullopt;
}

std::vector<AspectChange> compareAspects(const feedback::Critique &before, const feedback::Critique *after)
{
    std::vector<AspectChange> changes;
    for (const auto &a : before.aspects)
        changes.push_back({a.aspect, a.rating, 0});
    if (!after)
        return changes;
    for (const auto &a : after->aspects) {
        bool found = false;
        for (auto &change : changes)
            if (change.aspect == a.aspect) {
                change.after = a.rating;
                found = true;
            }
        if (!found)
            changes.push_back({a.aspect, 0, a.rating});
    }
    return changes;
}

} // namespace

std::string toString(PromptState state)
{
    switch (state) {
    case PromptState::New: return "new";
    case PromptState::Sampled: return "sampled";
    case PromptState::Judged: return "judged";
    case PromptState::Refined: return "refined";
    }
    return "unknown";
}

const CritiqueRecord *CandidateWithCritiques::latestParsed() const
{
    for (auto it = critiques.rbegin(); it != critiques.rend(); ++it)
        if (it->critique.parseStatus == feedback::ParseStatus::Ok)
            return &*it;
    return nullptr;
}

std::vector<PromptSummary> ExplorerRepository::prompts(const PageRequest &page, const PromptFilter &filter)
{
    Statement st = m_db.prepare(std::string(kSummary)
                                + detail::pageClause(page, sortColumns(), "id", "s", filterSql(filter)));
    const int next = bindFilter(st, filter);
    if (page.afterId)
        st.bind(next, *page.afterId);
    std::vector<PromptSummary> list;
    while (st.step())
        list.push_back(readSummary(st));
    return list;
}

std::vector<std::int64_t> ExplorerRepository::promptOrder(const std::string &sortKey, bool descending,
                                                         const PromptFilter &filter)
{
    const std::string clause = detail::pageClause({0, 0, sortKey, descending, {}}, sortColumns(), "id", "s",
                                                  filterSql(filter));
    // pageClause ends in "LIMIT 0 OFFSET 0"; every row is wanted here.
    Statement st = m_db.prepare(std::string(kSummary) + clause.substr(0, clause.rfind(" LIMIT ")));
    bindFilter(st, filter);
    std::vector<std::int64_t> ids;
    while (st.step())
        ids.push_back(st.int64At(0));
    return ids;
}

std::vector<PromptSummary> ExplorerRepository::promptsByIds(const std::vector<std::int64_t> &ids)
{
    if (ids.empty())
        return {};
    std::string placeholders;
    for (size_t i = 0; i < ids.size(); ++i)
        placeholders += i == 0 ? "?" : ", ?";
    Statement st = m_db.prepare(std::string(kSummary) + " WHERE id IN (" + placeholders + ")");
    for (size_t i = 0; i < ids.size(); ++i)
        st.bind(static_cast<int>(i + 1), ids[i]);
    std::map<std::int64_t, PromptSummary> byId;
    while (st.step()) {
        auto summary = readSummary(st);
        byId.emplace(summary.id, std::move(summary));
    }
    std::vector<PromptSummary> list;
    for (const auto id : ids)
        if (const auto it = byId.find(id); it != byId.end())
            list.push_back(it->second);
    return list;
}

std::int64_t ExplorerRepository::countPrompts(const PromptFilter &filter)
{
    if (!filter.state) { // the state needs the aggregates; the others do not
        const std::string where = filterSql(filter);
        Statement st = m_db.prepare("SELECT count(*) FROM prompts" + (where.empty() ? "" : " WHERE " + where));
        bindFilter(st, filter);
        st.step();
        return st.int64At(0);
    }
    Statement st = m_db.prepare("SELECT count(*) FROM (" + std::string(kSummary) + " WHERE " + filterSql(filter)
                                + ")");
    bindFilter(st, filter);
    st.step();
    return st.int64At(0);
}

PromptSummary ExplorerRepository::prompt(std::int64_t promptId)
{
    Statement st = m_db.prepare(std::string(kSummary) + " WHERE id = ?");
    st.bind(1, promptId);
    if (!st.step())
        detail::throwMissing(m_db.path(), "prompt", promptId);
    return readSummary(st);
}

std::vector<CandidateWithCritiques> ExplorerRepository::candidatesOf(std::int64_t promptId)
{
    std::vector<CandidateWithCritiques> list;
    std::map<std::int64_t, std::size_t> index;
    for (auto &candidate : CandidateRepository(m_db).forPrompt(promptId)) {
        index[candidate.id] = list.size();
        list.push_back({std::move(candidate), {}});
    }
    for (auto &critique : CritiqueRepository(m_db).forPrompt(promptId))
        list[index.at(critique.candidateId)].critiques.push_back(std::move(critique));
    return list;
}

RefinementView ExplorerRepository::refinement(std::int64_t refinedId)
{
    CandidateRepository candidates(m_db);
    CritiqueRepository critiques(m_db);
    RefinementView view;
    view.refined = candidates.byId(refinedId);
    if (!view.refined.isRefinement())
        throw Error("candidate " + std::to_string(refinedId) + " is not a refinement (it has no parent candidate)",
                    {m_db.path(), 0, "parent_candidate_id"});
    view.original = candidates.byId(*view.refined.parentCandidateId);
    view.critiqueUsed = critiques.byId(*view.refined.critiqueUsedId);
    view.refinedCritique = newestParsed(critiques.forCandidate(refinedId));
    view.aspectChanges = compareAspects(view.critiqueUsed.critique,
                                        view.refinedCritique ? &view.refinedCritique->critique : nullptr);
    return view;
}

} // namespace rlrf::store
