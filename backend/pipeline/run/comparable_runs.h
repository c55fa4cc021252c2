// SPDX-License-Identifier: GPL-3.0-or-later
// The project's RLRF pipeline runs (RLRF and the reward-only baseline, never
// RRR, DPO or evaluation rows) as the window names them when it puts two side
// by side: "run 3 · RLRF" with the settings that tell runs apart (iterations,
// prompts, samples, δ, β, learning rate, LoRA rank, seed), read from the
// settings the run stored. Torch-free, Qt-free.
#pragma once

#include "types/run_records.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::store {
class Database;
}

namespace rlrf::pipeline {

struct ComparableRun {
    std::int64_t id = 0;
    bool baseline = false;       // mode "reward_only" (rlrf run --baseline)
    store::RunStatus status = store::RunStatus::Running;
    std::string kind;            // "RLRF", "baseline", or an ablation: "RLRF without DPO"
    std::string settings;        // "2 iterations × 2048 prompts, 4 samples, δ 0.1, β 0.1, lr 5e-07, seed 1"
    bool evaluated = false;      // has evaluation results on the split asked for

    /// "run 3 · RLRF": short enough for a legend.
    std::string name() const;
    /// "run 3 · baseline (reward-only) · 2 iterations × …": for a list.
    std::string label() const;
};

/// Oldest first. A run whose stored settings do not read is still listed, its
/// settings saying so.
std::vector<ComparableRun> comparableRuns(store::Database &db, const std::string &split = "test");

} // namespace rlrf::pipeline
