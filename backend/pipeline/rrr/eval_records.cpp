// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/rrr/eval_records.h"

namespace rlrf::rrr {

void restoreRecords(TwoTryAccuracy &accuracy, const std::vector<store::RrrEvalQueryRecord> &rows)
{
    if (rows.empty())
        return;
    accuracy.records = rows;
    const auto headroom = store::headroomOf(rows);
    accuracy.queries = headroom.queries;
    accuracy.firstCorrect = headroom.queries - headroom.failures;
    accuracy.secondCorrect = accuracy.firstCorrect + headroom.ownSolved;
    accuracy.oracleAvailable = headroom.oracleAvailable;
    accuracy.oracleSolved = headroom.oracleSolved;
    accuracy.recorded = true;
}

} // namespace rlrf::rrr
