// SPDX-License-Identifier: GPL-3.0-or-later
// Fused CPU float32 kernels with hand-written backward passes, for the forward
// passes that build a graph (the supervised pass, DPO, GRPO). A small model's
// training step is mostly chains of small element-wise ops, each a pass over
// memory plus dispatch and an autograd node, and as many again in the backward
// pass: on the demo model (d 128) RMSNorm, the rotation of queries and keys,
// SwiGLU and the masked softmax of attention were a third of a supervised step.
// Each kernel here is one pass forward and one backward. The arithmetic is the
// op chain's up to float rounding; tst_training_kernels checks values and
// gradients against the op chains in float64.
// Shape legend: B batch, T sequence, N heads, K head size, D width, F MLP width,
// Hk key/value heads, G query heads per key/value head, S keys.
#pragma once

#include <torch/torch.h>

namespace rlrf::model {

// CPU and float32, with a graph wanted, or inside a checkpointed layer's first
// forward (DifferentiableOpsOnly), whose recomputation must compute the same:
// the fused differentiable kernels apply. The complement of inferenceKernelsApply
// on CPU float32.
bool trainingKernelsApply(const torch::Tensor &x);

// weight * x / sqrt(mean(x^2) + eps) over the last dimension; x [..., D]. The
// forward is rmsNormInference's arithmetic.
torch::Tensor rmsNormTraining(const torch::Tensor &x, const torch::Tensor &weight, double eps);

// x [B,T,N,K] (the last dimension contiguous) rotated with tables [B,T,K] as
// rotateHeadsInPlace does, times `scale` (attention folds 1/sqrt(K) into the
// queries here), returned as [B,N,T,K] contiguous: the layout attention wants.
// The tables get no gradient.
torch::Tensor rotateHeadsTraining(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                                  double scale);

// silu(gate) * up; both [..., F].
torch::Tensor swigluTraining(const torch::Tensor &gate, const torch::Tensor &up);

// Softmax over the last dimension of scores [B,Hk,G,T,S] (already scaled) where
// allowed [B,T,S] (bool) is true; masked keys get weight 0. A query with no
// allowed key (a padding position) gets uniform weights and no gradient, as the
// op chain's masked_fill with the lowest float gives.
torch::Tensor maskedSoftmaxTraining(const torch::Tensor &scores, const torch::Tensor &allowed);

} // namespace rlrf::model
