// SPDX-License-Identifier: GPL-3.0-or-later
// Which weights may train in bfloat16. An AdamW step on a bfloat16 weight is
// rounded to the weight's 8-bit mantissa: at a learning rate of 1e-5 most updates
// of a weight near 0.02 round away, and training silently stalls. So bfloat16
// weights are held either frozen (the base under a LoRA adapter, which trains in
// float32) or as a copy of float32 master weights (DPO on CUDA: float32 weights
// under bfloat16 autocast). A trainer handed bfloat16 weights to update itself
// refuses before the first step (a caller that loads the weights in
// trainingWeightsDtype never hands it any). Torch-free.
#pragma once

#include <string>

namespace rlrf::model {
class Policy;
}

namespace rlrf::train {

// The dtype to load a model in for training with `dtype` asked for: bfloat16
// without an adapter means float32 master weights (the passes then run under
// bfloat16 autocast); with an adapter the frozen base is held in `dtype` itself.
std::string trainingWeightsDtype(const std::string &dtype, bool adapter);

// Throws rlrf::Error naming `trainer` ("sft", "dpo") and what to use instead when
// `policy` holds bfloat16 (or float16) weights that would be trained directly.
void requireTrainablePrecision(const model::Policy &policy, const std::string &trainer);

} // namespace rlrf::train
