// SPDX-License-Identifier: GPL-3.0-or-later
// PEFT's LoRA adapter folder: adapter_config.json (PEFT's LoraConfig, with
// base_model_name_or_path) and adapter_model.safetensors (PEFT's tensor names).
// Written so `PeftModel.from_pretrained(base, folder)` loads it unchanged, and
// read whether it came from here or from PEFT. Torch-free.
#pragma once

#include "model/tensor_view.h"
#include "types/lora_config.h"

#include <string>
#include <vector>

namespace rlrf::model {

inline constexpr const char *kAdapterConfigFile = "adapter_config.json";
inline constexpr const char *kAdapterWeightsFile = "adapter_model.safetensors";

// A folder holding adapter_config.json (and no config.json of a full model).
bool isAdapterFolder(const std::string &folder);

// The adapter's settings from adapter_config.json. Throws rlrf::Error naming the
// file and field (see loraSettingsFromPeft for what is refused).
train::LoraSettings readAdapterSettings(const std::string &folder);

// The base model folder of an adapter: `overrideBase` when given, else
// base_model_name_or_path as an absolute path, or relative to the adapter folder,
// or to the working directory. Throws rlrf::Error naming adapter_config.json when
// no such folder holds a config.json (a Hub id, say), with how to pass one.
std::string resolveAdapterBase(const std::string &folder, const train::LoraSettings &settings,
                               const std::string &overrideBase = {});

// adapter_model.safetensors; a pickle adapter_model.bin is refused with how to convert it.
std::string adapterWeightsPath(const std::string &folder);

// Writes adapter_config.json and adapter_model.safetensors (each atomically).
void writeAdapterFolder(const std::string &folder, const train::LoraSettings &settings,
                        const std::vector<TensorView> &tensors);

} // namespace rlrf::model
