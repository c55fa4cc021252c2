// SPDX-License-Identifier: GPL-3.0-or-later
// Gradient checkpointing of one decoder layer (Chen et al. 2016), as PyTorch's
// reentrant torch.utils.checkpoint does it: the forward keeps only the layer's
// input, and the backward runs the layer again with gradients to get them. Memory
// for activations drops from every layer's intermediates to one hidden state per
// layer, for about one more forward pass of compute. The random state is saved
// and restored, so dropout (a LoRA adapter's) draws the same mask twice.
// Backend-internal (torch).
#pragma once

#include <torch/torch.h>

namespace rlrf::model {

class DecoderLayerImpl;

// layer(x, cos, sin, allowed) without a cache, its intermediates recomputed in the
// backward pass. x must require a gradient (the caller makes sure), else no
// gradient would reach the layer's parameters.
torch::Tensor checkpointedLayer(DecoderLayerImpl &layer, const torch::Tensor &x, const torch::Tensor &cos,
                                const torch::Tensor &sin, const torch::Tensor &allowed);

} // namespace rlrf::model
