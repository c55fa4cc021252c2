// SPDX-License-Identifier: GPL-3.0-or-later
// Between torch tensors and the torch-free TensorView of the safetensors reader and
// writer (for backend internals and tests).
#pragma once

#include "model/tensor_view.h"

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace rlrf::model {

torch::ScalarType toScalarType(Dtype dtype);
// Throws rlrf::Error naming `tensorName` for a dtype safetensors does not hold here.
Dtype toDtype(torch::ScalarType type, const std::string &tensorName);

// A CPU tensor over the view's bytes without copying; it keeps the view's owner
// (the memory mapping) alive.
torch::Tensor toTensor(const TensorView &view);

// Views of CPU-contiguous copies of the tensors, in the map's (sorted) order; each
// view owns its copy.
std::vector<TensorView> toViews(const std::map<std::string, torch::Tensor> &tensors);

} // namespace rlrf::model
