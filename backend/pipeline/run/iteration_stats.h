// SPDX-License-Identifier: GPL-3.0-or-later
// What one iteration's data looked like before training, for the curves and for
// finding out why a gain is or is not there: how often the samples were already
// perfect, how often a refinement beat the answer it refined (refinement yield),
// how many pairs each rule made and how far apart their scores were. Torch-free.
#pragma once

#include "pipeline/run/stage_env.h"

#include <map>
#include <string>

namespace rlrf::pipeline {

/// Keys: "sample/perfect_fraction", "sample/mean_overall", "refine/improved_fraction",
/// "refine/perfect_fraction", "pairs/count", "pairs/mean_gap", "pairs/rule/<rule>".
std::map<std::string, double> iterationStats(const StageEnv &env);

} // namespace rlrf::pipeline
