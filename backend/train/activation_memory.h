// SPDX-License-Identifier: GPL-3.0-or-later
// What the forward pass of a training step keeps for the backward pass, in
// bytes, derived from what the decoder (model/attention.cpp, mlp.cpp,
// rms_norm.cpp) and the losses (log-softmax over the vocabulary) save. Part of
// the memory planner (memory_plan.h). Torch-free.
#pragma once

#include "train/parameter_count.h"

#include <cstdint>

namespace rlrf::train {

struct ActivationBytes {
    std::uint64_t layers = 0;    // hidden-width tensors of the decoder layers and the final norm
    std::uint64_t attention = 0; // the [sequences, heads, T, T] score and probability tensors
    std::uint64_t head = 0;      // the [tokens, vocab] float32 tensors of the LM head and loss
};

/// For `sequences` sequences of `length` tokens whose hidden tensors take
/// `elementBytes` each (4 in float32, 2 in bfloat16). With gradient
/// checkpointing only each layer's input is kept and one layer at a time is
/// recomputed. Arithmetic saturates at the largest uint64 rather than wrap.
ActivationBytes activationBytes(const ModelShape &shape, std::uint64_t sequences, std::uint64_t length,
                                std::uint64_t elementBytes, bool checkpointing);

/// a * b and a + b that stop at the largest uint64 instead of wrapping, so an
/// absurd setting reads as "does not fit" rather than as a small number.
std::uint64_t saturatingMul(std::uint64_t a, std::uint64_t b);
std::uint64_t saturatingAdd(std::uint64_t a, std::uint64_t b);

} // namespace rlrf::train
