// SPDX-License-Identifier: GPL-3.0-or-later
// Settings of one DPO run, named after TRL's DPOConfig where TRL has a name, with a
// JSON round trip (stored with each checkpoint) and validation that names the field.
// Torch-free.
#pragma once

#include "types/lora_config.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace rlrf::train {

struct DpoConfig {
    double beta = 0.1;
    std::string lossType = "sigmoid";  // "sigmoid", "ipo", "hinge", "apo_zero", "apo_down"
    double labelSmoothing = 0.0;       // sigmoid only (conservative DPO)
    double learningRate = 5e-7;
    std::string schedule = "cosine";   // "constant", "linear", "cosine"
    double warmupRatio = 0.1;
    std::int64_t epochs = 1;
    std::int64_t batchSize = 4;        // pairs per micro-batch
    std::int64_t gradientAccumulation = 1;
    double maxGradNorm = 1.0;          // 0 = no clipping (the norm is still reported)
    double weightDecay = 0.0;          // AdamW
    double nllWeight = 0.0;            // mean token NLL of the chosen completion; 0 = off
    std::uint64_t seed = 42;
    std::string device = "cpu";
    std::string dtype = "float32";     // "bfloat16": float32 master weights under bf16 autocast, or a bf16 base under LoRA
    std::int64_t checkpointEvery = 0;  // optimizer steps; 0 = final checkpoint only
    std::string referenceCacheDir;     // empty = <output>/reference_cache
    LoraSettings lora;                 // rank 0 = full fine-tuning; else the reference is the base, adapter off
    bool gradientCheckpointing = false; // recompute activations in the backward pass
};

nlohmann::json toJson(const DpoConfig &config);
// Unknown keys and wrong types are errors naming the key; `source` names the origin
// (a file or "--config") in messages.
DpoConfig dpoConfigFromJson(const nlohmann::json &object, const std::string &source);
// Throws rlrf::Error naming the first field out of range.
void validate(const DpoConfig &config, const std::string &source = "dpo config");

} // namespace rlrf::train
