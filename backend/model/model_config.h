// config.json of a Hugging Face Llama-family model (Llama 2/3/3.1, Qwen2/2.5,
// Qwen3, SmolLM, Mistral) as a plain struct. Torch-free.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rlrf::model {

// rope_scaling; only the kinds the decoder implements are accepted.
struct RopeScaling {
    std::string type = "default";          // "default", "linear", "llama3"
    double factor = 1.0;
    double lowFreqFactor = 1.0;            // llama3
    double highFreqFactor = 4.0;           // llama3
    std::int64_t originalMaxPositionEmbeddings = 8192; // llama3
};

struct ModelConfig {
    std::string architecture;  // "LlamaForCausalLM", "Qwen2ForCausalLM", ...
    std::string modelType;     // "llama", "qwen2", "qwen3", "mistral"
    std::int64_t vocabSize = 0;
    std::int64_t hiddenSize = 0;
    std::int64_t intermediateSize = 0;
    std::int64_t numLayers = 0;
    std::int64_t numHeads = 0;
    std::int64_t numKvHeads = 0;     // = numHeads when absent
    std::int64_t headDim = 0;        // = hiddenSize / numHeads when absent
    std::int64_t maxPositionEmbeddings = 2048;
    double ropeTheta = 10000.0;
    std::optional<RopeScaling> ropeScaling;
    double rmsNormEps = 1e-6;
    bool tieWordEmbeddings = false;
    bool attentionBias = false;      // q/k/v biases (Qwen2)
    bool qkNorm = false;             // per-head RMSNorm on q and k (Qwen3)
    std::string hiddenAct = "silu";
    std::string torchDtype = "float32";
    std::optional<std::int64_t> bosTokenId;
    std::vector<std::int64_t> eosTokenIds; // config.json allows a number or a list
    std::optional<std::int64_t> padTokenId;
    // Sliding-window attention span (Mistral's sliding_window); nullopt means every
    // position attends to all earlier ones. Qwen2/Qwen3 configs that turn their
    // per-layer sliding window on are refused.
    std::optional<std::int64_t> slidingWindow;
};

// Validates and fills defaults; throws rlrf::Error naming the file and the field
// for a missing, mistyped or unsupported value.
ModelConfig parseModelConfig(const nlohmann::json &json, const std::string &fileForErrors);
ModelConfig loadModelConfig(const std::string &configJsonPath);

// The config.json that Hugging Face transformers loads back to the same model.
nlohmann::json toJson(const ModelConfig &config);

} // namespace rlrf::model
