// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/eval_answer_repository.h"

#include "core/error.h"
#include "store/database.h"
#include "store/transaction.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace rlrf::store {

void EvalAnswerRepository::validate(const EvalAnswerRecord &r) const
{
    const std::string which = "evaluation answer of run " + std::to_string(r.runId) + ", M"
                              + std::to_string(r.iteration) + ", prompt " + std::to_string(r.promptId);
    if (r.split.empty())
        throw Error(which + " names no split", {m_db.path(), 0, "split"});
    if (r.iteration < 0)
        throw Error(which + " has a negative iteration", {m_db.path(), 0, "iteration"});
    if (!std::isfinite(r.overall))
        throw Error(which + " has a non-finite overall score", {m_db.path(), 0, "overall"});
    const auto ratings = nlohmann::json::parse(r.ratingsJson, nullptr, false);
    if (!ratings.is_object())
        throw Error(which + " has ratings that are not a JSON object: " + r.ratingsJson, {m_db.path(), 0, "ratings"});
}

void EvalAnswerRepository::put(const std::vector<EvalAnswerRecord> &rows)
{
    for (const auto &r : rows)
        validate(r);
    Transaction tx(m_db);
    auto &st = m_db.cached(
        "INSERT INTO eval_answers (run_id, iteration, split, prompt_id, answer, overall, correct, ratings) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, iteration, split, prompt_id) DO UPDATE SET "
        "answer = excluded.answer, overall = excluded.overall, correct = excluded.correct, ratings = excluded.ratings");
    for (const auto &r : rows) {
        st.reset();
        std::optional<std::int64_t> correct;
        if (r.correct)
            correct = *r.correct ? 1 : 0;
        st.bindAll(r.runId, r.iteration, r.split, r.promptId, r.answer, r.overall, correct, r.ratingsJson).run();
    }
    tx.commit();
}

std::vector<EvalAnswerRecord> EvalAnswerRepository::forModel(std::int64_t runId, int iteration, const std::string &split)
{
    auto st = m_db.prepare("SELECT run_id, iteration, split, prompt_id, answer, overall, correct, ratings "
                           "FROM eval_answers WHERE run_id = ? AND iteration = ? AND split = ? ORDER BY prompt_id");
    st.bindAll(runId, iteration, split);
    std::vector<EvalAnswerRecord> out;
    while (st.step()) {
        EvalAnswerRecord r{st.int64At(0), st.intAt(1), st.textAt(2), st.int64At(3), st.textAt(4), st.doubleAt(5),
                           std::nullopt, st.textAt(7)};
        if (!st.isNull(6))
            r.correct = st.int64At(6) != 0;
        out.push_back(std::move(r));
    }
    return out;
}

std::int64_t EvalAnswerRepository::count(std::int64_t runId)
{
    auto st = m_db.prepare("SELECT count(*) FROM eval_answers WHERE run_id = ?");
    st.bind(1, runId);
    st.step();
    return st.int64At(0);
}

} // namespace rlrf::store
