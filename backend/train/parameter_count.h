// SPDX-License-Identifier: GPL-3.0-or-later
// How many numbers a Llama-family model holds, and how many a LoRA adapter adds,
// computed from the shape in config.json alone (no weights read). The memory
// planner (memory_plan.h) builds on these. Torch-free.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::model {
struct ModelConfig;
}

namespace rlrf::train {

/// The sizes that decide a decoder's parameter count and activation memory.
struct ModelShape {
    std::int64_t layers = 0;
    std::int64_t hidden = 0;       // D
    std::int64_t intermediate = 0; // F, the SwiGLU width
    std::int64_t heads = 0;        // H, query heads
    std::int64_t kvHeads = 0;      // key/value heads (grouped-query attention)
    std::int64_t headDim = 0;      // K
    std::int64_t vocab = 0;        // V
    bool tiedEmbeddings = false;   // the LM head is the embedding matrix
    bool attentionBias = false;    // q/k/v biases (Qwen2)
    bool qkNorm = false;           // per-head RMSNorm on q and k (Qwen3)
};

ModelShape shapeOf(const model::ModelConfig &config);

/// Every parameter of the model: embeddings, per layer the four attention
/// projections (with biases where the shape has them), the three MLP
/// projections and two RMSNorms (plus Qwen3's q/k norms), the final norm, and
/// the LM head unless tied. Throws rlrf::Error naming the first size below 1.
std::int64_t parameterCount(const ModelShape &shape);

/// The seven linear layers of a decoder layer a LoRA adapter can target, in
/// Hugging Face's names: q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj.
const std::vector<std::string> &loraTargetNames();

/// Parameters of a rank-`rank` LoRA adapter on `targets` in every layer: each
/// adapted linear of shape in -> out gains A [r, in] and B [out, r], so
/// r * (in + out). A name twice counts once; an unknown name throws rlrf::Error
/// listing the known ones; rank 0 means no adapter (0).
std::int64_t loraParameterCount(const ModelShape &shape, std::int64_t rank, const std::vector<std::string> &targets);

/// "q_proj,v_proj" -> {"q_proj", "v_proj"}; "all" or "all-linear" -> the seven.
/// Throws rlrf::Error for an empty list or an unknown name.
std::vector<std::string> parseLoraTargets(const std::string &list);

} // namespace rlrf::train
