// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/mlp.h"

#include <torch/torch.h>

#include "model/inference_kernels.h"
#include "model/training_kernels.h"

#include "core/error.h"

namespace rlrf::model {

MlpImpl::MlpImpl(const ModelConfig &config)
{
    if (config.hiddenAct != "silu")
        throw Error("unsupported activation '" + config.hiddenAct + "' (only silu)", {"", 0, "hidden_act"});
    const auto d = config.hiddenSize;
    const auto f = config.intermediateSize;
    gate_proj = register_module("gate_proj", torch::nn::Linear(torch::nn::LinearOptions(d, f).bias(false)));
    up_proj = register_module("up_proj", torch::nn::Linear(torch::nn::LinearOptions(d, f).bias(false)));
    down_proj = register_module("down_proj", torch::nn::Linear(torch::nn::LinearOptions(f, d).bias(false)));
}

torch::Tensor MlpImpl::forward(const torch::Tensor &x)
{
    if (inferenceKernelsApply(x))
        return applyLinear(down_proj, swigluInference(applyLinear(gate_proj, x, lora_gate), applyLinear(up_proj, x, lora_up)),
                           lora_down);
    const auto gate = applyLinear(gate_proj, x, lora_gate);
    const auto up = applyLinear(up_proj, x, lora_up);
    // Under bfloat16 autocast the projections are bfloat16: the op chain.
    if (trainingKernelsApply(gate) && up.scalar_type() == torch::kFloat32)
        return applyLinear(down_proj, swigluTraining(gate, up), lora_down);
    return applyLinear(down_proj, torch::silu(gate) * up, lora_down);
}

} // namespace rlrf::model
