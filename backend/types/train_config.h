// SPDX-License-Identifier: GPL-3.0-or-later
// Hyper-parameters of a supervised fine-tuning run as a plain struct, with a JSON
// round trip (stored in every checkpoint's trainer_state.json) and validation that
// names the bad field. Torch-free.
#pragma once

#include "types/lora_config.h"
#include "types/training_choices.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace rlrf::train {

struct SftConfig {
    double learningRate = 1e-4;
    ScheduleKind schedule = ScheduleKind::Cosine;
    double minLearningRateRatio = 0.0;   // floor of the decay, as a share of the peak
    double warmupRatio = 0.0;            // used when warmupSteps < 0
    std::int64_t warmupSteps = -1;       // -1 = from warmupRatio
    double epochs = 1.0;                 // used when maxSteps is 0
    std::int64_t maxSteps = 0;           // optimizer steps; 0 = from epochs
    std::int64_t batchSize = 8;          // examples per forward pass
    std::int64_t gradientAccumulation = 1;
    double maxGradNorm = 1.0;            // 0 = no clipping (the norm is still reported)
    double weightDecay = 0.0;            // not applied to norms and biases
    double beta1 = 0.9;
    double beta2 = 0.999;
    double adamEpsilon = 1e-8;
    std::uint64_t seed = 42;
    std::int64_t checkpointEvery = 0;    // optimizer steps; 0 = only at the end
    // Batch examples of similar length (within windows of 32 batches of each
    // epoch's permutation; the batch order is shuffled again), so a batch is not
    // padded to one long example: with mixed lengths this halves the compute.
    bool groupByLength = false;
    std::string device = "cpu";
    std::string dtype = "float32";       // "float32", "bfloat16", "auto"
    LoraSettings lora;                   // rank 0 = full fine-tuning
    bool gradientCheckpointing = false;  // recompute activations in the backward pass
};

// Throws rlrf::Error naming the field (and `source`, a file, when given).
void validate(const SftConfig &config, const std::string &source = {});

nlohmann::json toJson(const SftConfig &config);
// Unknown keys are errors (a typo must not silently fall back to a default); missing
// keys keep their defaults. The result is validated.
SftConfig sftConfigFromJson(const nlohmann::json &object, const std::string &source = {});

} // namespace rlrf::train
