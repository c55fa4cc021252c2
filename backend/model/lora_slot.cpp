// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/lora_slot.h"

namespace rlrf::model {

torch::Tensor applyLinear(torch::nn::Linear &linear, const torch::Tensor &x, const LoraSlot &slot)
{
    auto y = linear(x);
    if (!slot.active())
        return y;
    auto h = x.to(slot.a.scalar_type());
    if (slot.state->dropout > 0.0 && linear->is_training())
        h = torch::dropout(h, slot.state->dropout, true);
    const auto update = torch::linear(torch::linear(h, slot.a), slot.b).mul_(slot.state->scale);
    return y + update.to(y.scalar_type());
}

} // namespace rlrf::model
