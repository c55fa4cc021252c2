// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf train-demo`: builds the demo model from nothing but the recipe — data,
// tokenizer, random initialisation, SFT — and writes it as a Hugging Face folder.
// Torch-free facade.
#pragma once

#include "core/progress.h"
#include "core/run_context.h"
#include "demo/demo_recipe.h"

#include <string>

namespace rlrf::demo {

struct TrainDemoResult {
    Outcome outcome = Outcome::Failed;
    std::string message;
    std::string modelFolder;     // outFolder on success
    std::size_t examples = 0;    // training examples (validation excluded)
    std::int64_t steps = 0;
    double finalLoss = 0.0;
    double finalEvalLoss = 0.0;
    double seconds = 0.0;
};

/// Intermediate files (tokenizer, initial weights, SFT checkpoints) go to
/// `workFolder`; with `resume`, SFT continues from its newest checkpoint there.
/// The finished model (with recipe.json) is written to `outFolder`. A recipe that
/// starts from another model (recipe.startsFrom) fine-tunes `startFolder`, which
/// must hold that model; an empty one fails naming what is needed.
TrainDemoResult trainDemoModel(const DemoRecipe &recipe, const std::string &outFolder, const std::string &workFolder,
                               const RunContext &context, bool resume = false, const std::string &startFolder = {});

} // namespace rlrf::demo
