// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/rrr_eval_repository.h"

#include "core/error.h"
#include "store/database.h"
#include "store/transaction.h"

namespace rlrf::store {

double RrrHeadroom::ownShare() const
{
    return failures > 0 ? static_cast<double>(ownSolved) / static_cast<double>(failures) : 0.0;
}

std::optional<double> RrrHeadroom::oracleShare() const
{
    if (oracleAvailable == 0)
        return std::nullopt;
    return static_cast<double>(oracleSolved) / static_cast<double>(oracleAvailable);
}

RrrHeadroom headroomOf(const std::vector<RrrEvalQueryRecord> &queries)
{
    RrrHeadroom h;
    h.queries = static_cast<std::int64_t>(queries.size());
    for (const auto &q : queries) {
        if (q.firstCorrect)
            continue;
        ++h.failures;
        h.ownSolved += q.ownCorrect ? 1 : 0;
        if (q.hasOracle()) {
            ++h.oracleAvailable;
            h.oracleSolved += q.oracleCorrect ? 1 : 0;
        }
    }
    return h;
}

void RrrEvalRepository::replace(std::int64_t runId, const std::string &phase,
                                const std::vector<RrrEvalQueryRecord> &queries)
{
    if (phase != kRrrPhaseBefore && phase != kRrrPhaseAfter)
        throw Error("evaluation phase must be before or after, got '" + phase + "'", {m_db.path(), 0, "phase"});
    Transaction tx(m_db);
    m_db.prepare("DELETE FROM rrr_eval_queries WHERE run_id = ? AND phase = ?").bindAll(runId, phase).run();
    auto &st = m_db.cached("INSERT INTO rrr_eval_queries (run_id, phase, position, problem_id, prompt, first_attempt, "
                           "first_correct, own_reflection, own_retry, own_correct, oracle_reflection, oracle_retry, "
                           "oracle_correct) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto &q : queries) {
        st.reset();
        st.bindAll(runId, phase, q.position, q.problemId, q.prompt, q.firstAttempt, q.firstCorrect ? 1 : 0,
                   q.ownReflection, q.ownRetry, q.ownCorrect ? 1 : 0, q.oracleReflection, q.oracleRetry,
                   q.oracleCorrect ? 1 : 0)
            .run();
    }
    tx.commit();
}

std::vector<RrrEvalQueryRecord> RrrEvalRepository::queries(std::int64_t runId, const std::string &phase)
{
    auto st = m_db.prepare("SELECT position, problem_id, prompt, first_attempt, first_correct, own_reflection, "
                           "own_retry, own_correct, oracle_reflection, oracle_retry, oracle_correct "
                           "FROM rrr_eval_queries WHERE run_id = ? AND phase = ? ORDER BY position");
    st.bindAll(runId, phase);
    std::vector<RrrEvalQueryRecord> out;
    while (st.step())
        out.push_back({st.int64At(0), st.textAt(1), st.textAt(2), st.textAt(3), st.int64At(4) != 0, st.textAt(5),
                       st.textAt(6), st.int64At(7) != 0, st.textAt(8), st.textAt(9), st.int64At(10) != 0});
    return out;
}

std::optional<RrrHeadroom> RrrEvalRepository::headroom(std::int64_t runId, const std::string &phase)
{
    const auto rows = queries(runId, phase);
    if (rows.empty())
        return std::nullopt;
    return headroomOf(rows);
}

std::int64_t RrrEvalRepository::count(std::int64_t runId)
{
    auto st = m_db.prepare("SELECT count(*) FROM rrr_eval_queries WHERE run_id = ?");
    st.bind(1, runId);
    st.step();
    return st.int64At(0);
}

} // namespace rlrf::store
