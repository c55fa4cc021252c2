// SPDX-License-Identifier: GPL-3.0-or-later
// Fused CPU float32 kernels for the forward pass without gradients (generation,
// evaluation, reference log-probs). Each replaces a chain of small LibTorch ops:
// RMSNorm (5 ops), the rotary rotation of queries and keys (7 ops each, plus the
// copies of the transposed heads) and SwiGLU (2 ops). At the sizes of decoding
// (one token per row) every op costs more in dispatch and allocation than in
// arithmetic, so fewer ops is most of the speed of a step. Same arithmetic as the
// op chains, in the same order where it matters (RMSNorm in float32, then weight).
// With a graph, model/training_kernels.h has their differentiable counterparts.
// Shape legend: B batch, T sequence, N heads, K head size, D width, F MLP width.
#pragma once

#include <torch/torch.h>

namespace rlrf::model {

// CPU, float32 and no gradient wanted: the fused kernels apply.
bool inferenceKernelsApply(const torch::Tensor &x);

// While one lives on this thread, the fused kernels (and the cached-attention
// pass) stand aside even without gradients: a checkpointed layer's forward must
// compute exactly what its recomputation in the backward pass computes.
class DifferentiableOpsOnly {
public:
    DifferentiableOpsOnly();
    ~DifferentiableOpsOnly();
    DifferentiableOpsOnly(const DifferentiableOpsOnly &) = delete;
    DifferentiableOpsOnly &operator=(const DifferentiableOpsOnly &) = delete;
    static bool active();

private:
    bool m_was;
};

// weight * x / sqrt(mean(x^2) + eps) over the last dimension; x [..., D].
torch::Tensor rmsNormInference(const torch::Tensor &x, const torch::Tensor &weight, double eps);

// Rotates each head of x [B,T,N,K] (the last dimension contiguous) in place with
// tables [B,T,K]: x * cos + rotate_half(x) * sin, rotate_half(x) = (-x2, x1).
void rotateHeadsInPlace(torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin);

// silu(gate) * up; both [..., F] with a contiguous last dimension.
torch::Tensor swigluInference(const torch::Tensor &gate, const torch::Tensor &up);

} // namespace rlrf::model
