// SPDX-License-Identifier: GPL-3.0-or-later
// Training checkpoints: a Hugging Face model folder (written by the model's own
// save) plus trainer_state.json (step, settings, seed) and optimizer.pt (AdamW
// moments, torch::save). Written into "<folder>.tmp" and renamed into place, so a
// crash leaves either the old checkpoint or the new one, never half of one.
// Backend-internal (torch).
#pragma once

#include "types/train_config.h"

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace rlrf::train {

inline constexpr const char *kTrainerStateFile = "trainer_state.json";
inline constexpr const char *kOptimizerFile = "optimizer.pt";

struct TrainerState {
    std::int64_t step = 0;       // optimizer steps done
    std::int64_t totalSteps = 0; // planned
    double loss = 0.0;           // of the last step
    SftConfig config;            // carries the seed and the optimizer settings
};

using ModelSaver = std::function<void(const std::string &folder)>;

void saveCheckpoint(const std::string &folder, const ModelSaver &saveModel, const torch::optim::Optimizer &optimizer,
                    const TrainerState &state);

// Throws rlrf::Error naming the file and field when it is missing or malformed.
TrainerState readTrainerState(const std::string &folder);
void loadOptimizerState(torch::optim::Optimizer &optimizer, const std::string &folder);

// "checkpoint-<step>" inside an output folder.
std::string checkpointFolder(const std::string &outFolder, std::int64_t step);
// The complete checkpoint (one with trainer_state.json) with the highest step.
std::optional<std::string> latestCheckpoint(const std::string &outFolder);

} // namespace rlrf::train
