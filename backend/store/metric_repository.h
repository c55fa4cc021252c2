// SPDX-License-Identifier: GPL-3.0-or-later
// Metric points of runs: batched inserts from the trainers, one series per (run,
// key) for the plots. Live curves and history read the same rows.
#pragma once

#include "types/run_records.h"

#include <vector>

namespace rlrf::store {

class Database;

class MetricRepository {
public:
    explicit MetricRepository(Database &db) : m_db(db) {}

    /// One transaction for the batch. A non-finite value rejects the whole batch
    /// with an error naming the key and step (the trainers' stability guard
    /// handles NaN before it gets here; plots never read one).
    void append(std::int64_t runId, const std::vector<MetricPoint> &points);
    /// Like append, but a point replaces the run's point of the same step and
    /// key: for facts written again when a run resumes (stage times, step totals).
    void replace(std::int64_t runId, const std::vector<MetricPoint> &points);
    /// Removes the run's points after `step`: a pass that continues from a
    /// checkpoint at that step writes the later ones again.
    void dropAfter(std::int64_t runId, std::int64_t step);
    /// The points of one key, by step.
    std::vector<MetricPoint> series(std::int64_t runId, const std::string &key);
    std::vector<std::string> keys(std::int64_t runId);
    std::int64_t count(std::int64_t runId);

private:
    Database &m_db;
};

} // namespace rlrf::store
