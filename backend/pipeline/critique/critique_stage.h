// SPDX-License-Identifier: GPL-3.0-or-later
// Critique: the judge fills the rubric for every candidate another stage wrote
// (the samples, or the refinements). Resumable per prompt. Torch-free.
#pragma once

#include "pipeline/run/stage_env.h"

namespace rlrf::pipeline {

/// Judges the candidates recorded by `sourceStage` of this iteration and records
/// the critiques under `stage`.
Outcome runCritiqueStage(const StageEnv &env, const std::string &stage, const std::string &sourceStage,
                         const std::vector<std::int64_t> &promptIds);

} // namespace rlrf::pipeline
