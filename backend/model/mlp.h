// SPDX-License-Identifier: GPL-3.0-or-later
// The SwiGLU feed-forward block (Shazeer 2020): down(silu(gate(x)) * up(x)).
// Shape legend: B batch, T sequence, D model width, F intermediate width.
#pragma once

#include "model/lora_slot.h"
#include "model/model_config.h"

#include <torch/torch.h>

namespace rlrf::model {

class MlpImpl : public torch::nn::Module {
public:
    explicit MlpImpl(const ModelConfig &config);

    torch::Tensor forward(const torch::Tensor &x); // [B,T,D] -> [B,T,D]

    torch::nn::Linear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};
    // LoRA updates of the three projections (inactive without an adapter).
    LoraSlot lora_gate, lora_up, lora_down;
};
TORCH_MODULE(Mlp);

} // namespace rlrf::model
