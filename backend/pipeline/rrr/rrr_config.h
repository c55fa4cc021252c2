// SPDX-License-Identifier: GPL-3.0-or-later
// Settings of one Reflect-Retry-Reward run (METHOD.md §2) as a plain struct with
// a JSON round trip (stored as the run's hyper-parameters) and validation that
// names the field. The defaults are demo scale: a few minutes on two CPU cores
// with the ~1M-parameter arith model. Torch-free.
#pragma once

#include "types/lora_config.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace rlrf::rrr {

struct RrrConfig {
    std::uint64_t seed = 1;
    // Failure mining: each training query tried `mineSamples` times at
    // `mineTemperature`. Greedy by default: the failures the evaluation's greedy
    // first try makes, where the model's best guess is wrong and a reflection must
    // lead away from it. On countdown-demo's tuning prompts greedy mining beat 4
    // samples at T 1 at both learning rates tried. Twice the reflections in each
    // step at as many steps (256 queries at 8 failures a step, then 512 at 16, then
    // 1,024 at 32) each won on the tuning prompts; at 1,024 / 32 the first try rose
    // on all five tuning seeds, where 512 / 16 let it fall on one and gave −1.2
    // there (docs/rrr-demo-findings.md).
    std::int64_t trainQueries = 1024;
    std::int64_t mineSamples = 1;
    double mineTemperature = 0.0;         // 0 = greedy (then mineSamples must be 1)
    std::int64_t failuresPerQuery = 1;    // failed attempts kept per query
    // Evaluation on held-out (test split) queries, greedy, before and after.
    std::int64_t testQueries = 200;
    std::uint64_t testSeed = 0;          // the same held-out queries for every training seed
    // The loop.
    std::int64_t groupSize = 8;           // reflections per failed attempt (G)
    std::int64_t failuresPerStep = 32;    // failed attempts per optimizer step
    double epochs = 1.0;                  // passes over the failures
    std::int64_t maxSteps = 0;            // 0 = from epochs
    double reflectionTemperature = 1.0;
    // Sampled retries: with greedy ones most groups on the arith demo model had no
    // reward spread (all retries failed alike), so nothing was learned; sampling
    // turns "this reflection sometimes helps" into a reward difference.
    double retryTemperature = 0.7;
    std::int64_t maxAnswerTokens = 96;
    // The worked reflections of arith-reflect-demo run to 70 tokens (one in
    // twenty is over 64); a cut reflection has no last result for the retry.
    std::int64_t maxReflectionTokens = 96;
    // Loss and optimizer (paper: KL 0.001, cosine with 3 % warm-up).
    double beta = 0.001;                  // KL to the reference (k3 estimator)
    double clipEpsilon = 0.2;             // PPO-style ratio clip
    std::int64_t updatesPerBatch = 1;     // optimizer steps on one sampled batch (TRL's num_iterations)
    // Demo scale (~1M parameters); the paper used 5e-7 at 1.5-7B. At 3e-4 the KL to
    // the start grew to ~0.5 per token within 24 steps and held-out accuracy fell;
    // on countdown-demo's tuning prompts 1e-4 beat 5e-5 and 2e-4.
    double learningRate = 1e-4;
    double warmupRatio = 0.03;
    double weightDecay = 0.0;
    double maxGradNorm = 1.0;
    std::int64_t generationBatch = 64;    // prompts per generation call
    // A resumable checkpoint (policy weights and AdamW state) after every this
    // many optimizer steps, and always after the last: a killed run continues
    // from the newest. 0 = only after the last step.
    std::int64_t checkpointEvery = 10;
    std::string device = "cpu";
    // LoRA (rank 0 = off: every weight trains). With an adapter only its A and B
    // train, checkpoints and the final model are PEFT adapter folders, and the KL
    // reference is the same model with the adapter switched off (no second copy).
    // Stored as "lora" (PEFT's names) only when on, like gradient_checkpointing,
    // so the stored settings of runs from before these existed still match.
    train::LoraSettings lora;
    bool gradientCheckpointing = false; // recompute layer activations in the backward pass
};

/// Throws rlrf::Error naming the first field out of range (and `source`). The
/// LoRA fields are named "lora.r", "lora.lora_alpha", "lora.lora_dropout" and
/// "lora.target_modules", and checked even with rank 0 (a wrong value is a
/// mistake whether or not it is used yet).
void validate(const RrrConfig &config, const std::string &source = "rrr config");

nlohmann::json toJson(const RrrConfig &config);
/// Unknown keys and wrong types are errors naming the key; missing keys keep
/// their defaults (so settings stored before a key existed read as they ran);
/// the result is validated.
RrrConfig rrrConfigFromJson(const nlohmann::json &object, const std::string &source);

} // namespace rlrf::rrr
