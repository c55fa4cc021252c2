// SPDX-License-Identifier: GPL-3.0-or-later
// config.json -> ModelConfig. Keys and defaults follow the transformers
// configuration classes of each family (see model_family.cpp); anything the
// decoder cannot run faithfully is refused with the key that asks for it.
#include "model/model_config.h"

#include "core/error.h"
#include "core/json_io.h"
#include "model/config_fields.h"
#include "model/model_family.h"

namespace rlrf::model {

namespace {

using detail::ConfigFields;

const ModelFamily &detectFamily(const ConfigFields &fields)
{
    std::optional<std::string> architecture;
    if (fields.has("architectures")) {
        const auto &list = fields.raw("architectures");
        if (!list.is_array() || list.empty() || !list[0].is_string())
            fields.fail("architectures", "expected a list of class names, found " + list.dump());
        architecture = list[0].get<std::string>();
    }
    const auto modelType = fields.text("model_type");
    if (!modelType && !architecture)
        fields.fail("model_type", "missing required field (supported: " + supportedFamiliesText() + ")");

    const ModelFamily *family = modelType ? familyByModelType(*modelType) : familyByArchitecture(*architecture);
    if (!family)
        fields.fail(modelType ? "model_type" : "architectures",
                    "unsupported model '" + (modelType ? *modelType : *architecture)
                        + "'; supported: " + supportedFamiliesText());
    if (architecture && *architecture != family->architecture)
        fields.fail("architectures", "unsupported architecture '" + *architecture + "' for model_type '"
                                         + family->modelType + "'; supported: " + supportedFamiliesText());
    return *family;
}

// rope_scaling (or transformers 5's rope_parameters). "default" means no scaling
// and yields nullopt; "type" is the older spelling of "rope_type".
std::optional<RopeScaling> parseRopeScaling(const nlohmann::json &object, const ConfigFields &outer,
                                            const std::string &key)
{
    const ConfigFields fields(object, outer.file(), key + ".");
    const auto type = fields.has("rope_type") ? fields.text("rope_type") : fields.text("type");
    if (!type)
        fields.fail("rope_type", "missing (expected \"default\", \"linear\" or \"llama3\")");
    if (*type == "default")
        return std::nullopt;
    RopeScaling scaling;
    scaling.type = *type;
    if (*type == "linear") {
        scaling.factor = fields.requiredPositiveNumber("factor");
    } else if (*type == "llama3") {
        scaling.factor = fields.requiredPositiveNumber("factor");
        scaling.lowFreqFactor = fields.requiredPositiveNumber("low_freq_factor");
        scaling.highFreqFactor = fields.requiredPositiveNumber("high_freq_factor");
        scaling.originalMaxPositionEmbeddings = fields.requiredPositive("original_max_position_embeddings");
        if (scaling.highFreqFactor <= scaling.lowFreqFactor)
            fields.fail("high_freq_factor", "must be larger than low_freq_factor");
    } else {
        fields.fail("rope_type", "unsupported rope type '" + *type + "' (supported: default, linear, llama3)");
    }
    return scaling;
}

void parseSizes(const ConfigFields &fields, const ModelFamily &family, ModelConfig &c)
{
    c.vocabSize = fields.requiredPositive("vocab_size");
    c.hiddenSize = fields.requiredPositive("hidden_size");
    c.intermediateSize = fields.requiredPositive("intermediate_size");
    c.numLayers = fields.requiredPositive("num_hidden_layers");
    c.numHeads = fields.requiredPositive("num_attention_heads");
    c.numKvHeads = fields.positive("num_key_value_heads").value_or(c.numHeads);
    if (c.numHeads % c.numKvHeads != 0)
        fields.fail("num_key_value_heads", "num_attention_heads (" + std::to_string(c.numHeads)
                                               + ") is not a multiple of num_key_value_heads ("
                                               + std::to_string(c.numKvHeads) + ")");
    if (const auto headDim = fields.positive("head_dim")) {
        c.headDim = *headDim;
    } else {
        if (c.hiddenSize % c.numHeads != 0)
            fields.fail("head_dim", "absent, and hidden_size is not a multiple of num_attention_heads");
        c.headDim = c.hiddenSize / c.numHeads;
    }
    c.maxPositionEmbeddings = fields.positive("max_position_embeddings").value_or(family.defaultMaxPositions);
}

void parseAttention(const ConfigFields &fields, const ModelFamily &family, ModelConfig &c)
{
    c.ropeTheta = fields.positiveNumber("rope_theta").value_or(10000.0);
    if (fields.has("rope_scaling"))
        c.ropeScaling = parseRopeScaling(fields.raw("rope_scaling"), fields, "rope_scaling");
    if (fields.has("rope_parameters")) {
        const ConfigFields params(fields.raw("rope_parameters"), fields.file(), "rope_parameters.");
        c.ropeTheta = params.positiveNumber("rope_theta").value_or(c.ropeTheta);
        c.ropeScaling = parseRopeScaling(fields.raw("rope_parameters"), fields, "rope_parameters");
    }
    c.attentionBias = family.attentionBiasImplied || fields.boolean("attention_bias").value_or(false);
    c.qkNorm = family.qkNorm;
    if (fields.boolean("mlp_bias").value_or(false))
        fields.fail("mlp_bias", "biases in the MLP are not supported by this decoder");
    if (fields.boolean("use_sliding_window").value_or(false))
        fields.fail("use_sliding_window", "per-layer sliding-window attention is not supported");
    if (family.slidingWindowKey)
        c.slidingWindow = fields.positive("sliding_window");
    c.hiddenAct = fields.text("hidden_act").value_or("silu");
    if (c.hiddenAct != "silu")
        fields.fail("hidden_act", "unsupported activation '" + c.hiddenAct + "' (supported: silu)");
}

std::optional<std::int64_t> tokenId(const ConfigFields &fields, const std::string &key)
{
    const auto id = fields.integer(key);
    if (id && *id < 0)
        fields.fail(key, "token ids are non-negative, found " + std::to_string(*id));
    return id;
}

void parseTokens(const ConfigFields &fields, ModelConfig &c)
{
    c.bosTokenId = tokenId(fields, "bos_token_id");
    c.padTokenId = tokenId(fields, "pad_token_id");
    if (fields.has("eos_token_id") && fields.raw("eos_token_id").is_array()) {
        for (const auto &id : fields.raw("eos_token_id")) {
            if (!id.is_number_integer() || id.get<std::int64_t>() < 0)
                fields.fail("eos_token_id", "expected a token id or a list of them, found "
                                                + fields.raw("eos_token_id").dump());
            c.eosTokenIds.push_back(id.get<std::int64_t>());
        }
    } else if (const auto id = tokenId(fields, "eos_token_id")) {
        c.eosTokenIds.push_back(*id);
    }
    for (const auto &id : c.eosTokenIds)
        if (id >= c.vocabSize)
            fields.fail("eos_token_id", "token id " + std::to_string(id) + " is outside the vocabulary");
}

void parseDtype(const ConfigFields &fields, ModelConfig &c)
{
    // transformers 5 writes "dtype"; earlier versions "torch_dtype".
    const std::string key = fields.has("torch_dtype") ? "torch_dtype" : "dtype";
    c.torchDtype = fields.text(key).value_or("float32");
    if (c.torchDtype != "float32" && c.torchDtype != "bfloat16" && c.torchDtype != "float16")
        fields.fail(key, "unsupported dtype '" + c.torchDtype + "' (supported: float32, bfloat16, float16)");
}

} // namespace

ModelConfig parseModelConfig(const nlohmann::json &json, const std::string &fileForErrors)
{
    const ConfigFields fields(json, fileForErrors);
    const ModelFamily &family = detectFamily(fields);
    ModelConfig c;
    c.modelType = family.modelType;
    c.architecture = family.architecture;
    parseSizes(fields, family, c);
    parseAttention(fields, family, c);
    c.rmsNormEps = fields.positiveNumber("rms_norm_eps").value_or(1e-6);
    c.tieWordEmbeddings = fields.boolean("tie_word_embeddings").value_or(false);
    parseTokens(fields, c);
    parseDtype(fields, c);
    return c;
}

ModelConfig loadModelConfig(const std::string &configJsonPath)
{
    return parseModelConfig(json::readFile(configJsonPath), configJsonPath);
}

} // namespace rlrf::model
