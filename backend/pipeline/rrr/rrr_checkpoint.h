// SPDX-License-Identifier: GPL-3.0-or-later
// The resumable checkpoints of a Reflect-Retry-Reward run: "checkpoint-<step>"
// folders beside the run's final model, each the policy after that many
// optimizer steps (a model folder, or a PEFT adapter folder when the run
// trains a LoRA adapter: then the AdamW state holds the adapter's tensors
// alone) with the AdamW state (optimizer.pt) and trainer_state.json
// ({"step", "settings"}). A folder is written under a
// hidden temporary name and renamed when complete, so a kill never leaves a
// half checkpoint that looks whole; only the newest is kept. Torch-free.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace rlrf::model {
class TextModel;
}

namespace rlrf::rrr {

inline constexpr const char *kRrrOptimizerFile = "optimizer.pt";
inline constexpr const char *kRrrTrainerStateFile = "trainer_state.json";

struct RrrResumePoint {
    std::string folder;
    std::int64_t step = 0;
};

/// Writes checkpoint-<step> in `outputFolder` (the policy, the optimizer state
/// through `saveOptimizer`, the trainer state) and removes older ones but
/// `keep` (the folder the policy was loaded from: saving the policy copies its
/// tokenizer files from there).
std::string saveRrrCheckpoint(const model::TextModel &policy, const std::string &outputFolder, std::int64_t step,
                              const nlohmann::json &settings,
                              const std::function<void(const std::string &file)> &saveOptimizer,
                              const std::string &keep = {});

/// The newest complete checkpoint of `outputFolder` written with `settings`;
/// none when there is none (one written with other settings is skipped with a
/// warning: it belongs to another run).
std::optional<RrrResumePoint> latestRrrCheckpoint(const std::string &outputFolder, const nlohmann::json &settings);

/// Saves the trained model as `outputFolder`/final, whole or not at all
/// (written under a temporary name, then renamed). Returns the folder.
std::string saveFinalModel(const model::TextModel &policy, const std::string &outputFolder);

/// Removes every checkpoint folder (and unfinished one) of `outputFolder`:
/// once the final model is saved they are no longer needed.
void removeRrrCheckpoints(const std::string &outputFolder);

} // namespace rlrf::rrr
