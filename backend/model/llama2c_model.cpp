// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/llama2c_model.h"

#include <torch/torch.h>

namespace rlrf::model {

std::map<std::string, torch::Tensor> toTorchTensors(const std::vector<std::pair<std::string, FloatTensor>> &tensors)
{
    std::map<std::string, torch::Tensor> result;
    for (const auto &[name, tensor] : tensors)
        result[name] = torch::tensor(tensor.values, torch::kFloat32).view(tensor.shape);
    return result;
}

LlamaModel loadLlama2cModel(const std::string &checkpointPath, torch::Device device, torch::ScalarType dtype)
{
    const auto checkpoint = readLlama2cCheckpoint(checkpointPath);
    LlamaModel model(checkpoint.config);
    loadWeights(model, toTorchTensors(checkpoint.tensors), checkpointPath);
    model->to(device, dtype);
    model->eval();
    return model;
}

} // namespace rlrf::model
