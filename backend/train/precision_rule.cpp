// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/precision_rule.h"

#include "core/error.h"
#include "model/policy.h"

namespace rlrf::train {

std::string trainingWeightsDtype(const std::string &dtype, bool adapter)
{
    return dtype == "bfloat16" && !adapter ? std::string("float32") : dtype;
}

void requireTrainablePrecision(const model::Policy &policy, const std::string &trainer)
{
    if (policy.hasLora() || policy.dtype() == "float32")
        return;
    throw Error(trainer + " would update " + policy.dtype()
                    + " weights directly, and most updates would round away; train a LoRA adapter on the "
                      "frozen " + policy.dtype() + " model (--lora-r N), or train the whole model in float32"
                    + " (--dtype bfloat16 on a whole model loads float32 master weights and trains under bfloat16 "
                      "autocast)",
                {"", 0, "dtype"});
}

} // namespace rlrf::train
