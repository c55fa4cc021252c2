// SPDX-License-Identifier: GPL-3.0-or-later
// A two-try evaluation from its stored records (store/rrr_eval_repository.h):
// what a continued run reads when its evaluation was done before it stopped.
// Torch-free.
#pragma once

#include "pipeline/rrr/two_try_eval.h"
#include "store/rrr_eval_repository.h"

#include <vector>

namespace rlrf::rrr {

/// Fills `accuracy`'s records, counts and headroom from stored rows; leaves it
/// as it is when there are none (a run evaluated before they were kept).
void restoreRecords(TwoTryAccuracy &accuracy, const std::vector<store::RrrEvalQueryRecord> &rows);

} // namespace rlrf::rrr
