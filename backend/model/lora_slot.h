// SPDX-License-Identifier: GPL-3.0-or-later
// The low-rank update of one linear layer, y = W x + s * B (A dropout(x)) (Hu et
// al. 2021), held beside the layer instead of inside it: the module tree keeps
// exactly the Hugging Face parameters (so saving and loading the base never sees
// an adapter), and switching the adapter off is one flag. A and B are float32
// whatever the base's dtype (they are the trained, master weights).
// Backend-internal (torch).
#pragma once

#include <torch/torch.h>

#include <memory>

namespace rlrf::model {

// Shared by every slot of one adapter.
struct LoraSwitch {
    bool enabled = true;
    double scale = 0.0;
    double dropout = 0.0;
};

struct LoraSlot {
    torch::Tensor a; // [r, in]  (PEFT's lora_A.weight)
    torch::Tensor b; // [out, r] (PEFT's lora_B.weight)
    std::shared_ptr<const LoraSwitch> state;

    bool active() const { return state && state->enabled && a.defined(); }
};

// linear(x) plus the slot's update when it is active. The update runs in float32
// and is added in the output's dtype; dropout applies in training mode only.
torch::Tensor applyLinear(torch::nn::Linear &linear, const torch::Tensor &x, const LoraSlot &slot);

} // namespace rlrf::model
