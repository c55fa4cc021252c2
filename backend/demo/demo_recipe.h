// SPDX-License-Identifier: GPL-3.0-or-later
// Everything that defines a shipped demo model: the data mix, the tokenizer, the
// architecture and the SFT settings. `rlrf train-demo` reproduces the model from
// its recipe alone. Three recipes:
//   arith-demo         (resources/models/arith-demo) from scratch: tokenizer,
//                      random init, two SFT phases; reflections of the diagnosis
//                      form;
//   arith-reflect-demo (resources/models/arith-reflect-demo) one SFT phase from
//                      arith-demo on a mix rich in worked reflections whose retry
//                      is the Answer line: the model for Reflect, Retry, Reward,
//                      where a better reflection makes a better retry;
//   countdown-demo     (resources/models/countdown-demo) one SFT phase from
//                      arith-demo on Countdown puzzles (countdown_demo_data.h):
//                      the same method on the task with an equation verifier.
// Torch-free.
#pragma once

#include "demo/demo_data.h"
#include "model/model_config.h"
#include "types/train_config.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace rlrf::demo {

struct DemoRecipe {
    std::string name = "arith-demo";
    // Empty: trained from scratch. Otherwise the name of the shipped model this
    // recipe fine-tunes with `sft` alone (the tokenizer and architecture are its).
    std::string startsFrom;
    DemoDataOptions data;
    std::size_t vocabSize = 640;         // specials + 256 bytes + merges (digits stay single)
    std::size_t tokenizerDocuments = 8000;
    std::int64_t hiddenSize = 128;
    std::int64_t intermediateSize = 352;
    std::int64_t numLayers = 4;
    std::int64_t numHeads = 4;
    std::int64_t numKvHeads = 4;
    std::int64_t maxPositions = 512;
    std::uint64_t initSeed = 7;
    std::size_t validationExamples = 256; // held out of the mix for sft/eval_loss
    train::SftConfig sft = defaultSftConfig();
    // A second pass over the same examples from the first phase's weights, at a
    // lower peak rate with length-grouped batches; maxSteps 0 skips it.
    train::SftConfig sft2 = secondPhaseConfig();

    static train::SftConfig defaultSftConfig();
    static train::SftConfig secondPhaseConfig();
};

/// "arith-demo", "arith-reflect-demo" and "countdown-demo".
const std::vector<std::string> &demoRecipeNames();
/// The recipe of that name; throws rlrf::Error listing the names for another.
DemoRecipe demoRecipe(const std::string &name);

/// The special tokens, in id order: end of turn (also EOS), user, assistant.
const std::vector<std::string> &demoSpecialTokens();

/// The chat template: "<|role|>\ncontent<|end|>\n" per message, then
/// "<|assistant|>\n" for the generation prompt.
const std::string &demoChatTemplate();

/// The decoder's config for a tokenizer of `vocabSize` with end-of-turn id `eosId`.
model::ModelConfig demoModelConfig(const DemoRecipe &recipe, std::int64_t vocabSize, std::int64_t eosId);

nlohmann::json toJson(const DemoRecipe &recipe);

} // namespace rlrf::demo
