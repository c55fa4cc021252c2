// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/precision_rule.h"

#include "core/error.h"
#include "model/policy.h"

namespace rlrf::train {

void requireTrainablePrecision(const model::Policy &policy, const std::string &trainer)
{
    if (policy.hasLora() || policy.dtype() == "float32")
        return;
    throw Error(trainer + " would update " + policy.dtype()
                    + " weights directly, and most updates would round away; train a LoRA adapter on the "
                      "frozen " + policy.dtype() + " model (--lora-r N), or train the whole model in float32"
                    + (trainer == "dpo" ? " (on CUDA, DPO's bfloat16 keeps float32 master weights)" : ""),
                {"", 0, "dtype"});
}

} // namespace rlrf::train
