// SPDX-License-Identifier: GPL-3.0-or-later
// Defaults are those of the transformers configuration classes (LlamaConfig,
// MistralConfig, Qwen2Config, Qwen3Config), used when a config.json omits a key.
#include "model/model_family.h"

#include <array>

namespace rlrf::model {

namespace {

// Llama 2/3/3.1 and SmolLM/SmolLM2 share "llama". Qwen2 and Qwen2.5 share "qwen2":
// Qwen2Attention always has q/k/v biases (o_proj none) and Qwen2Config has no
// attention_bias key, so the bias follows from the family, not from config.json.
constexpr std::array<ModelFamily, 4> kFamilies{{
    {"llama", "LlamaForCausalLM", false, false, false, 2048},
    {"mistral", "MistralForCausalLM", false, false, true, 4096 * 32},
    {"qwen2", "Qwen2ForCausalLM", true, false, false, 32768},
    {"qwen3", "Qwen3ForCausalLM", false, true, false, 32768},
}};

} // namespace

const ModelFamily *familyByModelType(const std::string &modelType)
{
    for (const auto &f : kFamilies)
        if (modelType == f.modelType)
            return &f;
    return nullptr;
}

const ModelFamily *familyByArchitecture(const std::string &architecture)
{
    for (const auto &f : kFamilies)
        if (architecture == f.architecture)
            return &f;
    return nullptr;
}

std::string supportedFamiliesText()
{
    std::string text;
    for (const auto &f : kFamilies)
        text += (text.empty() ? "" : ", ") + std::string(f.modelType) + " (" + f.architecture + ")";
    return text;
}

} // namespace rlrf::model
