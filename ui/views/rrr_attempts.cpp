// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/rrr_attempts.h"

#include "store/rrr_repository.h"

namespace rlrf::ui {

std::vector<RrrAttemptRow> loadRrrAttempts(store::Database &db, std::int64_t runId, std::size_t limit)
{
    store::RrrRepository repo(db);
    std::vector<RrrAttemptRow> rows;
    for (const auto &failure : repo.failures(runId)) {
        for (const auto &r : repo.reflections(failure.id)) {
            if (rows.size() >= limit) return rows;
            RrrAttemptRow row;
            row.step = r.step;
            row.problem = QString::fromStdString(failure.prompt);
            row.attempt = QString::fromStdString(failure.attempt);
            row.verdict = QString::fromStdString(failure.reason);
            row.reflection = QString::fromStdString(r.reflection);
            row.retry = QString::fromStdString(r.retry);
            row.reward = r.reward;
            row.advantage = r.advantage;
            rows.push_back(std::move(row));
        }
    }
    return rows;
}

} // namespace rlrf::ui
