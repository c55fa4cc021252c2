// SPDX-License-Identifier: GPL-3.0-or-later
// Select and refine (D_z): per prompt the top-k candidates that the judge found
// imperfect (some applicable aspect below 3) are shown to the policy (or the
// run's generator endpoint) with the critique of those aspects, and it writes m
// refinements of each. A prompt whose
// candidates are all perfect gets none. Resumable per prompt. Torch-free.
#pragma once

#include "pipeline/run/stage_env.h"
#include "types/records.h"

namespace rlrf::pipeline {

Outcome runRefineStage(const StageEnv &env, const std::vector<std::int64_t> &promptIds);

/// The selection on its own: the critiques worth refining from, best overall
/// first (ties: the earlier critique), at most k. Parse failures and critiques
/// with nothing below 3 are left out.
std::vector<store::CritiqueRecord> selectForRefinement(std::vector<store::CritiqueRecord> critiques, std::size_t k);

} // namespace rlrf::pipeline
