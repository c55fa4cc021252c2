// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/rrr/eval_records.h"

namespace rlrf::rrr {

std::vector<store::RrrEvalQueryRecord> toStoreRecords(const std::vector<TwoTryRecord> &records)
{
    std::vector<store::RrrEvalQueryRecord> rows;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const auto &r = records[i];
        rows.push_back({static_cast<std::int64_t>(i), r.problemId, r.prompt, r.firstAttempt, r.firstCorrect,
                        r.ownReflection, r.ownRetry, r.ownCorrect, r.oracleReflection, r.oracleRetry,
                        r.oracleCorrect});
    }
    return rows;
}

void restoreRecords(TwoTryAccuracy &accuracy, const std::vector<store::RrrEvalQueryRecord> &rows)
{
    if (rows.empty())
        return;
    accuracy.records.clear();
    for (const auto &row : rows)
        accuracy.records.push_back({row.problemId, row.prompt, row.firstAttempt, row.firstCorrect, row.ownReflection,
                                    row.ownRetry, row.ownCorrect, row.oracleReflection, row.oracleRetry,
                                    row.oracleCorrect});
    const auto headroom = store::headroomOf(rows);
    accuracy.queries = headroom.queries;
    accuracy.firstCorrect = headroom.queries - headroom.failures;
    accuracy.secondCorrect = accuracy.firstCorrect + headroom.ownSolved;
    accuracy.oracleAvailable = headroom.oracleAvailable;
    accuracy.oracleSolved = headroom.oracleSolved;
    accuracy.recorded = true;
}

} // namespace rlrf::rrr
