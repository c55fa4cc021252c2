// SPDX-License-Identifier: GPL-3.0-or-later
// Settings of a LoRA adapter (Hu et al. 2021): which linear layers get a low-rank
// update W x + (alpha / r) * B A x, its rank, alpha and dropout. The JSON form is
// PEFT's adapter_config.json, so an adapter folder written here loads in PEFT and
// one written by PEFT loads here. Torch-free.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::train {

// The linear layers of a Llama-family decoder layer, by their Hugging Face names.
const std::vector<std::string> &loraTargetableModules();

struct LoraSettings {
    std::int64_t rank = 0;        // 0 = no adapter (full fine-tuning)
    double alpha = 16.0;
    double dropout = 0.0;         // on the adapter's input, in training only
    std::vector<std::string> targetModules = loraTargetableModules();
    bool useRslora = false;       // scale alpha / sqrt(r) instead of alpha / r
    std::vector<std::int64_t> layersToTransform; // empty = every layer
    std::string baseModel;        // base_model_name_or_path

    bool enabled() const { return rank > 0; }
    double scale() const;
};

// Throws rlrf::Error naming the field (and `source`) for a rank below 0, alpha
// not positive, dropout outside [0, 1), an empty or unknown target module.
void validate(const LoraSettings &settings, const std::string &source = "lora settings");

// "q_proj,v_proj" or "all-linear" (PEFT's shorthand for every linear layer but
// the head). Throws rlrf::Error naming `source` for an unknown name.
std::vector<std::string> parseLoraTargets(const std::string &list, const std::string &source);

// PEFT's adapter_config.json for these settings (peft_type LORA, task_type CAUSAL_LM,
// bias "none", every field PEFT writes).
nlohmann::json peftAdapterConfig(const LoraSettings &settings);
// Reads PEFT's adapter_config.json. Accepts target_modules as a list or
// "all-linear", layers_to_transform as an integer or a list. Refuses, naming the
// field, what this workbench cannot apply: another peft_type, DoRA, biases,
// modules_to_save, rank or alpha patterns, fan_in_fan_out, a target_modules regex.
LoraSettings loraSettingsFromPeft(const nlohmann::json &config, const std::string &source);

// The compact form stored in training configs: {"r", "lora_alpha", "lora_dropout",
// "target_modules", "use_rslora"} (PEFT's names); rank 0 gives null.
nlohmann::json toJson(const LoraSettings &settings);
LoraSettings loraSettingsFromJson(const nlohmann::json &value, const std::string &source);

} // namespace rlrf::train
