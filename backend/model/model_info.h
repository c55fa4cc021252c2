// What a model folder holds, read without loading the weights (a 7B model answers
// in milliseconds): architecture, sizes, parameter count and dtypes from the
// safetensors headers, tokenizer and chat template. Torch-free.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace rlrf::model {

// A LoRA adapter folder is described as its base plus lora_* keys (rank, alpha,
// targets, the adapter's parameter count, the base folder). Throws rlrf::Error
// naming the file at fault (config.json, safetensors, tokenizer, adapter_config.json).
nlohmann::ordered_json describeModelFolder(const std::string &folder);

// The same as aligned "key: value" lines for people.
std::string formatModelInfo(const nlohmann::ordered_json &info);

} // namespace rlrf::model
