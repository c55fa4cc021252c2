// SPDX-License-Identifier: GPL-3.0-or-later
// ModelConfig -> config.json with the keys transformers' configuration classes
// read (and write themselves), so AutoConfig/AutoModelForCausalLM load the folder.
#include "model/model_config.h"

#include "model/model_family.h"

namespace rlrf::model {

namespace {

nlohmann::json ropeScalingJson(const std::optional<RopeScaling> &scaling)
{
    if (!scaling)
        return nullptr;
    if (scaling->type == "linear") // "type" is also understood by transformers < 4.43
        return {{"factor", scaling->factor}, {"type", "linear"}};
    return {{"factor", scaling->factor},
            {"low_freq_factor", scaling->lowFreqFactor},
            {"high_freq_factor", scaling->highFreqFactor},
            {"original_max_position_embeddings", scaling->originalMaxPositionEmbeddings},
            {"rope_type", scaling->type}};
}

// Keys that only some families' configuration classes define.
void addFamilyKeys(const ModelConfig &c, nlohmann::json &j)
{
    if (c.modelType == "llama") {
        j["attention_bias"] = c.attentionBias;
        j["mlp_bias"] = false;
        j["pretraining_tp"] = 1;
    } else if (c.modelType == "mistral") {
        j["sliding_window"] = c.slidingWindow ? nlohmann::json(*c.slidingWindow) : nlohmann::json(nullptr);
    } else if (c.modelType == "qwen2" || c.modelType == "qwen3") {
        // Qwen2's q/k/v biases are implied by the class; Qwen3 reads attention_bias.
        if (c.modelType == "qwen3")
            j["attention_bias"] = c.attentionBias;
        j["use_sliding_window"] = false;
        j["sliding_window"] = nullptr;
        j["max_window_layers"] = c.numLayers;
    }
}

} // namespace

nlohmann::json toJson(const ModelConfig &c)
{
    nlohmann::json j = {
        {"architectures", nlohmann::json::array({c.architecture})},
        {"model_type", c.modelType},
        {"vocab_size", c.vocabSize},
        {"hidden_size", c.hiddenSize},
        {"intermediate_size", c.intermediateSize},
        {"num_hidden_layers", c.numLayers},
        {"num_attention_heads", c.numHeads},
        {"num_key_value_heads", c.numKvHeads},
        {"head_dim", c.headDim},
        {"max_position_embeddings", c.maxPositionEmbeddings},
        {"rope_theta", c.ropeTheta},
        {"rope_scaling", ropeScalingJson(c.ropeScaling)},
        {"rms_norm_eps", c.rmsNormEps},
        {"tie_word_embeddings", c.tieWordEmbeddings},
        {"hidden_act", c.hiddenAct},
        {"torch_dtype", c.torchDtype},
        {"attention_dropout", 0.0},
        {"initializer_range", 0.02},
        {"use_cache", true},
    };
    addFamilyKeys(c, j);
    if (c.bosTokenId)
        j["bos_token_id"] = *c.bosTokenId;
    if (c.eosTokenIds.size() == 1)
        j["eos_token_id"] = c.eosTokenIds.front();
    else if (!c.eosTokenIds.empty())
        j["eos_token_id"] = c.eosTokenIds;
    if (c.padTokenId)
        j["pad_token_id"] = *c.padTokenId;
    return j;
}

} // namespace rlrf::model
