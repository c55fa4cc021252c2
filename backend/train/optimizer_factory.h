// SPDX-License-Identifier: GPL-3.0-or-later
// AdamW for a decoder from an SftConfig. Two parameter groups: matrices (and
// embeddings) get weight decay, one-dimensional tensors (RMSNorm weights, biases)
// do not, as in Hugging Face's Trainer. Backend-internal (torch).
#pragma once

#include "types/train_config.h"

#include <torch/torch.h>

#include <memory>

namespace rlrf::train {

struct ParameterSplit {
    std::vector<torch::Tensor> decayed;   // dim >= 2
    std::vector<torch::Tensor> undecayed; // norms and biases
};

ParameterSplit splitForWeightDecay(torch::nn::Module &module);

// Group 0: decayed, group 1: undecayed (a group is left out when it would be empty).
std::unique_ptr<torch::optim::AdamW> makeAdamW(torch::nn::Module &module, const SftConfig &config);

void setLearningRate(torch::optim::Optimizer &optimizer, double learningRate);

} // namespace rlrf::train
