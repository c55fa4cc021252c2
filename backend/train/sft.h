// SPDX-License-Identifier: GPL-3.0-or-later
// Supervised fine-tuning, the torch-free entry point for the CLI and the GUI:
// AdamW with warm-up + cosine (or linear/constant), gradient accumulation and
// clipping, loss on answer tokens only, checkpoints every N steps and at the end,
// metrics through RunContext ("sft/loss", "sft/grad_norm", "sft/learning_rate",
// "sft/tokens_per_second", "sft/eval_loss"), cancellation between steps.
//
// Output folder layout: checkpoint-<step>/ (model files, trainer_state.json,
// optimizer.pt) and final/ (the trained model, a plain Hugging Face folder).
#pragma once

#include "core/progress.h"
#include "core/run_context.h"
#include "train/sft_example.h"
#include "types/train_config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::model {
class Policy;
class TextModel;
}

namespace rlrf::train {

struct SftData {
    std::vector<SftExample> train;
    std::vector<SftExample> validation; // optional; "sft/eval_loss" when present
};

struct SftResult {
    Outcome outcome = Outcome::Failed;
    std::string message;        // why it failed or stopped; empty on success
    std::int64_t steps = 0;     // optimizer steps done (counting those before a resume)
    std::int64_t totalSteps = 0;
    double finalLoss = 0.0;     // loss of the last step done (NaN when none ran)
    double finalEvalLoss = 0.0; // NaN without a validation set
    std::string lastCheckpoint; // empty when none was written
    std::string modelFolder;    // final/ on success
};

// With `resume`, training continues from the newest checkpoint in `outFolder`
// (weights, optimizer moments, step); without one it starts from the model.
// Errors come back as Outcome::Failed with the message, never as exceptions.
SftResult runSft(const SftConfig &config, const std::string &modelFolder, const SftData &data,
                 const std::string &outFolder, const RunContext &context, bool resume = false);
// The same for a loaded model (trained in place, on the device and in the dtype it
// was loaded with; config.device and config.dtype apply only when a checkpoint is
// loaded on resume); checkpoints are written with TextModel::save, so they keep
// its chat template.
SftResult runSft(const SftConfig &config, const model::TextModel &model, const SftData &data,
                 const std::string &outFolder, const RunContext &context, bool resume = false);
// A fresh pass on a loaded decoder (trained in place, on the device and in the
// dtype it was loaded with), its checkpoints written with Policy::save as the
// folder variant writes them: the same run and files as the folder variant on
// the folder the decoder came from, without loading it again.
SftResult runSft(const SftConfig &config, const model::Policy &policy, const SftData &data,
                 const std::string &outFolder, const RunContext &context);

} // namespace rlrf::train
