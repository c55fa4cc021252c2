// SPDX-License-Identifier: GPL-3.0-or-later
// The table of supported model families: model_type, architecture class, and what
// the family implies that config.json does not say. One place to add a family.
#pragma once

#include <cstdint>
#include <string>

namespace rlrf::model {

struct ModelFamily {
    const char *modelType;          // config.json "model_type"
    const char *architecture;       // config.json "architectures"[0]
    bool attentionBiasImplied;      // q/k/v biases without an attention_bias key (Qwen2)
    bool qkNorm;                    // per-head RMSNorm on q and k (Qwen3)
    bool slidingWindowKey;          // "sliding_window" means Mistral-style windowed attention
    std::int64_t defaultMaxPositions; // transformers' default max_position_embeddings
};

/// The family with this model_type, or nullptr.
const ModelFamily *familyByModelType(const std::string &modelType);
/// The family with this architecture class name, or nullptr.
const ModelFamily *familyByArchitecture(const std::string &architecture);
/// "llama (LlamaForCausalLM), mistral (MistralForCausalLM), ..." for error messages.
std::string supportedFamiliesText();

} // namespace rlrf::model
