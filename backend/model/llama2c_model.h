// SPDX-License-Identifier: GPL-3.0-or-later
// A llama2.c checkpoint as a ready LlamaModel (torch; for backend internals and tests).
#pragma once

#include "model/llama2c_reader.h"
#include "model/llama_model.h"

#include <torch/torch.h>

#include <map>
#include <string>

namespace rlrf::model {

// Float tensors from a reader -> torch tensors (float32, CPU), keyed by name.
std::map<std::string, torch::Tensor> toTorchTensors(const std::vector<std::pair<std::string, FloatTensor>> &tensors);

// Reads, converts to the rotate-half layout and loads; the model is in eval mode on
// `device` with parameters of `dtype`.
LlamaModel loadLlama2cModel(const std::string &checkpointPath, torch::Device device = torch::kCPU,
                            torch::ScalarType dtype = torch::kFloat32);

} // namespace rlrf::model
