// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/metric_repository.h"

#include "core/error.h"
#include "store/database.h"
#include "store/transaction.h"

#include <cmath>

namespace rlrf::store {

namespace {

void insertPoints(Database &db, std::int64_t runId, const std::vector<MetricPoint> &points, bool replacing)
{
    for (const auto &p : points) {
        if (!std::isfinite(p.value))
            throw Error("metric value is not finite at step " + std::to_string(p.step), {db.path(), 0, p.key});
        if (p.key.empty())
            throw Error("metric point without a key at step " + std::to_string(p.step), {db.path(), 0, "key"});
        if (replacing)
            db.cached("DELETE FROM metric_points WHERE run_id = ? AND step = ? AND key = ?")
                .bindAll(runId, p.step, p.key)
                .run();
        db.cached("INSERT INTO metric_points (run_id, step, key, value) VALUES (?, ?, ?, ?)")
            .bindAll(runId, p.step, p.key, p.value)
            .run();
    }
}

} // namespace

void MetricRepository::append(std::int64_t runId, const std::vector<MetricPoint> &points)
{
    Transaction tx(m_db);
    insertPoints(m_db, runId, points, false);
    tx.commit();
}

void MetricRepository::replace(std::int64_t runId, const std::vector<MetricPoint> &points)
{
    Transaction tx(m_db);
    insertPoints(m_db, runId, points, true);
    tx.commit();
}

void MetricRepository::dropAfter(std::int64_t runId, std::int64_t step)
{
    m_db.prepare("DELETE FROM metric_points WHERE run_id = ? AND step > ?").bindAll(runId, step).run();
}

std::vector<MetricPoint> MetricRepository::series(std::int64_t runId, const std::string &key)
{
    Statement st = m_db.prepare("SELECT step, key, value FROM metric_points WHERE run_id = ? AND key = ? ORDER BY step");
    st.bindAll(runId, key);
    std::vector<MetricPoint> points;
    while (st.step())
        points.push_back({st.int64At(0), st.textAt(1), st.doubleAt(2)});
    return points;
}

std::vector<std::string> MetricRepository::keys(std::int64_t runId)
{
    Statement st = m_db.prepare("SELECT DISTINCT key FROM metric_points WHERE run_id = ? ORDER BY key");
    st.bind(1, runId);
    std::vector<std::string> list;
    while (st.step())
        list.push_back(st.textAt(0));
    return list;
}

std::int64_t MetricRepository::count(std::int64_t runId)
{
    Statement st = m_db.prepare("SELECT count(*) FROM metric_points WHERE run_id = ?");
    st.bind(1, runId);
    st.step();
    return st.int64At(0);
}

} // namespace rlrf::store
