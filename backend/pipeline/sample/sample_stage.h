// SPDX-License-Identifier: GPL-3.0-or-later
// Sample (D_y): the policy M_i, or the run's generator endpoint, answers each
// prompt n times; every answer becomes a candidate of iteration i. Resumable per
// prompt. Torch-free.
#pragma once

#include "pipeline/run/stage_env.h"

namespace rlrf::pipeline {

Outcome runSampleStage(const StageEnv &env, const std::vector<std::int64_t> &promptIds, std::int64_t samplesPerPrompt);

/// One seed per (run seed, iteration, batch), so a rerun of the same batch draws
/// the same answers.
std::uint64_t batchSeed(std::uint64_t runSeed, int iteration, const std::string &stage, std::int64_t firstPromptId);

} // namespace rlrf::pipeline
