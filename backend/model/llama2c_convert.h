// SPDX-License-Identifier: GPL-3.0-or-later
// llama2.c checkpoint + tokenizer -> a Hugging Face model folder (config.json,
// model.safetensors in float32, generation_config.json, tokenizer.json,
// tokenizer_config.json). Torch-free: the weights go straight from the reader to
// the safetensors writer.
#pragma once

#include "model/model_config.h"

#include <cstdint>
#include <string>

namespace rlrf::model {

struct Llama2cConversion {
    ModelConfig config;
    std::size_t tensorCount = 0;
    std::uint64_t tensorBytes = 0;
    std::vector<std::string> files; // written, relative to the folder
};

// The tokenizer file is read and checked against the checkpoint's vocabulary size
// (a mismatch is an error naming it). Throws rlrf::Error naming the file at fault.
Llama2cConversion convertLlama2c(const std::string &checkpointPath, const std::string &tokenizerPath,
                                 const std::string &outFolder);

} // namespace rlrf::model
