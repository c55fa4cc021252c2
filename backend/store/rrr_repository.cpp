// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/rrr_repository.h"

#include "core/error.h"
#include "store/database.h"
#include "store/transaction.h"

#include <cmath>

namespace rlrf::store {

std::vector<std::int64_t> RrrRepository::addFailures(const std::vector<RrrFailureRecord> &failures)
{
    std::vector<std::int64_t> ids;
    Transaction tx(m_db);
    auto &st = m_db.cached("INSERT INTO rrr_failures (run_id, problem_id, prompt, reference_answer, attempt, reason) "
                           "VALUES (?, ?, ?, ?, ?, ?)");
    for (const auto &f : failures) {
        st.reset();
        st.bindAll(f.runId, f.problemId, f.prompt, f.referenceAnswer, f.attempt, f.reason).run();
        ids.push_back(m_db.lastInsertId());
    }
    tx.commit();
    return ids;
}

void RrrRepository::addReflections(const std::vector<RrrReflectionRecord> &reflections)
{
    for (const auto &r : reflections)
        if (!std::isfinite(r.reward) || !std::isfinite(r.advantage))
            throw Error("reflection of failure " + std::to_string(r.failureId) + " at step " + std::to_string(r.step)
                            + " has a non-finite value",
                        {m_db.path(), 0, std::isfinite(r.reward) ? "advantage" : "reward"});
    Transaction tx(m_db);
    auto &st = m_db.cached("INSERT INTO rrr_reflections (failure_id, step, reflection, retry, reward, advantage, "
                           "reflection_tokens) VALUES (?, ?, ?, ?, ?, ?, ?)");
    for (const auto &r : reflections) {
        st.reset();
        st.bindAll(r.failureId, r.step, r.reflection, r.retry, r.reward, r.advantage, r.reflectionTokens).run();
    }
    tx.commit();
}

std::vector<RrrFailureRecord> RrrRepository::failures(std::int64_t runId)
{
    auto st = m_db.prepare("SELECT id, run_id, problem_id, prompt, reference_answer, attempt, reason "
                           "FROM rrr_failures WHERE run_id = ? ORDER BY id");
    st.bind(1, runId);
    std::vector<RrrFailureRecord> out;
    while (st.step())
        out.push_back({st.int64At(0), st.int64At(1), st.textAt(2), st.textAt(3), st.textAt(4), st.textAt(5),
                       st.textAt(6)});
    return out;
}

void RrrRepository::dropReflectionsAfter(std::int64_t runId, std::int64_t step)
{
    m_db.prepare("DELETE FROM rrr_reflections WHERE step > ? AND failure_id IN "
                 "(SELECT id FROM rrr_failures WHERE run_id = ?)")
        .bindAll(step, runId)
        .run();
}

std::vector<RrrReflectionRecord> RrrRepository::reflections(std::int64_t failureId)
{
    auto st = m_db.prepare("SELECT id, failure_id, step, reflection, retry, reward, advantage, reflection_tokens "
                           "FROM rrr_reflections WHERE failure_id = ? ORDER BY step, id");
    st.bind(1, failureId);
    std::vector<RrrReflectionRecord> out;
    while (st.step())
        out.push_back({st.int64At(0), st.int64At(1), st.int64At(2), st.textAt(3), st.textAt(4), st.doubleAt(5),
                       st.doubleAt(6), st.int64At(7)});
    return out;
}

std::int64_t RrrRepository::reflectionCount(std::int64_t runId)
{
    auto st = m_db.prepare("SELECT count(*) FROM rrr_reflections r JOIN rrr_failures f ON f.id = r.failure_id "
                           "WHERE f.run_id = ?");
    st.bind(1, runId);
    st.step();
    return st.int64At(0);
}

} // namespace rlrf::store
