// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/activation_memory.h"

#include <limits>

namespace rlrf::train {

std::uint64_t saturatingMul(std::uint64_t a, std::uint64_t b)
{
    constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
    return (a != 0 && b > kMax / a) ? kMax : a * b;
}

std::uint64_t saturatingAdd(std::uint64_t a, std::uint64_t b)
{
    constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
    return b > kMax - a ? kMax : a + b;
}

namespace {

std::uint64_t mul(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d = 1)
{
    return saturatingMul(saturatingMul(a, b), saturatingMul(c, d));
}

// Bytes one RMSNorm saves per token (rms_norm.cpp normalises in float32): the
// float32 copy of its input (the same tensor in float32), the normalised value
// cast back (the weight's product reads it) and its output, which the
// projections after it save as their input.
std::uint64_t normBytesPerToken(std::uint64_t d, std::uint64_t elementBytes)
{
    return 4 * d + 2 * d * elementBytes;
}

// Bytes one decoder layer saves for its backward pass, per token. Legend:
// D hidden, F intermediate, Q = H*K query width, R = Hkv*K key/value width.
//   input RMSNorm     as normBytesPerToken: 3D in float32, 4D in bfloat16
//   q, k, v           after RoPE, saved by the two attention products; keys and
//                     values stay at kv width (attention.cpp folds the query
//                     group into the length instead of copying them)              Q + 2R
//   Qwen3 q/k norms   the normalised q and k before the rotation                 (Q + R)
//   context           the heads' output reshaped, saved by o_proj                 Q
//   second RMSNorm    as the first
//   SwiGLU            gate_proj's output (SiLU's input), SiLU(gate) and up_proj's
//                     output (the product's inputs), the product (down_proj's)   4F
// The residual additions save nothing. In float32 elements: 6D + 2Q + 2R + 4F
// (+ Q + R). The [H, T, T] score tensors are counted apart (attentionPerLayer).
std::uint64_t layerBytesPerToken(const ModelShape &s, std::uint64_t elementBytes)
{
    const auto q = static_cast<std::uint64_t>(s.heads * s.headDim);
    const auto r = static_cast<std::uint64_t>(s.kvHeads * s.headDim);
    const auto d = static_cast<std::uint64_t>(s.hidden);
    const auto f = static_cast<std::uint64_t>(s.intermediate);
    const auto widths = 2 * q + 2 * r + 4 * f + (s.qkNorm ? q + r : 0);
    return widths * elementBytes + 2 * normBytesPerToken(d, elementBytes);
}

// Per layer and sequence: the softmax's float32 output [H, T, T] (softmax's
// backward reads it); in bfloat16 also its bfloat16 copy that multiplies the
// values. This is the eager attention of LibTorch 1.x; the fused attention of
// LibTorch 2.x keeps less, so on 2.x the figure is an upper bound.
std::uint64_t attentionPerLayer(const ModelShape &s, std::uint64_t sequences, std::uint64_t length,
                                std::uint64_t elementBytes)
{
    const auto probabilityBytes = 4 + (elementBytes < 4 ? elementBytes : 0);
    return mul(sequences, static_cast<std::uint64_t>(s.heads), saturatingMul(length, length), probabilityBytes);
}

} // namespace

ActivationBytes activationBytes(const ModelShape &s, std::uint64_t sequences, std::uint64_t length,
                                std::uint64_t elementBytes, bool checkpointing)
{
    const auto tokens = saturatingMul(sequences, length);
    const auto layers = static_cast<std::uint64_t>(s.layers);
    const auto d = static_cast<std::uint64_t>(s.hidden);
    const auto oneLayer = saturatingMul(tokens, layerBytesPerToken(s, elementBytes));
    const auto oneLayerAttention = attentionPerLayer(s, sequences, length, elementBytes);
    // The float32 scores of the layer being computed, before the mask and the
    // softmax: alive once at a time, whichever way the layers are kept.
    const auto scores = mul(sequences, static_cast<std::uint64_t>(s.heads), saturatingMul(length, length), 4);
    // The final norm saves as a layer's norm does; its output is the LM head's input.
    const auto finalNorm = saturatingMul(tokens, normBytesPerToken(d, elementBytes));

    ActivationBytes out;
    if (checkpointing) {
        // Each layer's input [tokens, D] is kept; in the backward pass one layer
        // at a time runs again with everything saved.
        out.layers = saturatingAdd(saturatingAdd(mul(layers, tokens, d, elementBytes), oneLayer), finalNorm);
        out.attention = saturatingAdd(oneLayerAttention, scores);
    } else {
        out.layers = saturatingAdd(saturatingMul(layers, oneLayer), finalNorm);
        out.attention = saturatingAdd(saturatingMul(layers, oneLayerAttention), scores);
    }
    // The LM head and the loss work in float32 over the whole vocabulary
    // (train/batching.cpp, model/logprobs.cpp): the forward pass holds the
    // logits and their log-softmax, the backward pass the saved log-softmax, its
    // gradient (gather's backward is dense) and the logits' gradient: three
    // [tokens, V] float32 tensors at the peak. DPO and GRPO put only completion
    // positions through the head, so for them this is an upper bound.
    out.head = mul(tokens, static_cast<std::uint64_t>(s.vocab), 3, 4);
    return out;
}

} // namespace rlrf::train
