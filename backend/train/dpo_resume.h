// SPDX-License-Identifier: GPL-3.0-or-later
// What makes a DPO checkpoint resumable, and the check that a run may continue
// from one. A resumed run must be the same run: the same settings that shape the
// trajectory, the same pairs (so the seeded step plan visits them in the same
// order) and the same reference model. trainer_state.json records a fingerprint of
// the three next to the position in the plan; optimizer.pt holds the AdamW moments.
// The learning rate is a pure function of the step, and a DPO step draws no random
// numbers, so the step is all the schedule and the RNG need. Torch-free.
#pragma once

#include "train/dpo_trainer_pairs.h"
#include "types/dpo_config.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::train {

inline constexpr const char *kDpoOptimizerFile = "optimizer.pt";
inline constexpr const char *kDpoTrainerStateFile = "trainer_state.json";
inline constexpr int kDpoResumeFormat = 1;

/// {"config": the settings that shape training, "pairs": {"count", "hash"},
/// "reference_model": hash of the reference's identity}. save_steps and
/// reference_cache_dir are left out: they change where things go, not the result.
nlohmann::json dpoFingerprint(const DpoConfig &config, const std::vector<DpoPair> &pairs,
                              const std::string &referenceIdentity);

/// Where a run stands after `step` optimizer steps: the epoch and the first
/// micro-batch of the next step in that epoch's seeded order.
struct DpoPlanPosition {
    std::int64_t epoch = 0;
    std::int64_t microBatch = 0;
};
DpoPlanPosition dpoPlanPosition(std::int64_t step, std::int64_t stepsPerEpoch, std::int64_t gradientAccumulation);

/// The "resume" block of trainer_state.json for a checkpoint after `step` steps.
nlohmann::json dpoResumeState(const nlohmann::json &fingerprint, const DpoPlanPosition &position);

struct DpoResumePoint {
    std::string folder;
    std::int64_t step = 0;                               // optimizer steps already done
    nlohmann::json logHistory = nlohmann::json::array(); // the steps before, to continue
};

/// Reads `folder`'s trainer_state.json and checks that it can be resumed by a run
/// with `fingerprint` planned for `totalSteps`. Throws rlrf::Error naming the
/// checkpoint's file and the field at fault when the folder is no checkpoint, has
/// no optimizer state (written before checkpoints were resumable, or a final
/// model), or was trained with other settings, pairs or reference.
DpoResumePoint readDpoResumePoint(const std::string &folder, const nlohmann::json &fingerprint,
                                  std::int64_t totalSteps, std::int64_t stepsPerEpoch,
                                  std::int64_t gradientAccumulation);

/// The checkpoint-<step> folder of `outputFolder` with the highest step that has
/// a resume block and optimizer state; empty when there is none. Whether it fits
/// a run is readDpoResumePoint's question.
std::string latestResumableDpoCheckpoint(const std::string &outputFolder);

} // namespace rlrf::train
