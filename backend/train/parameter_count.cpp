// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/parameter_count.h"

#include "types/lora_config.h"

#include "core/error.h"
#include "model/model_config.h"

#include <algorithm>
#include <set>
#include <utility>

namespace rlrf::train {
namespace {

void requirePositive(std::int64_t value, const char *field)
{
    if (value < 1)
        throw Error(std::string("model shape: must be at least 1, found ") + std::to_string(value),
                    {"", 0, field});
}

void validateShape(const ModelShape &s)
{
    requirePositive(s.layers, "num_hidden_layers");
    requirePositive(s.hidden, "hidden_size");
    requirePositive(s.intermediate, "intermediate_size");
    requirePositive(s.heads, "num_attention_heads");
    requirePositive(s.kvHeads, "num_key_value_heads");
    requirePositive(s.headDim, "head_dim");
    requirePositive(s.vocab, "vocab_size");
}

Error unknownTarget(const std::string &name)
{
    std::string known;
    for (const auto &n : loraTargetNames())
        known += (known.empty() ? "" : ", ") + n;
    return Error("unknown LoRA target '" + name + "' (known: " + known + ", or all)", {"", 0, "lora_targets"});
}

bool isTarget(const std::string &name)
{
    const auto &known = loraTargetNames();
    return std::find(known.begin(), known.end(), name) != known.end();
}

// (in, out) of one targetable linear layer, by its Hugging Face name.
std::pair<std::int64_t, std::int64_t> linearShape(const ModelShape &s, const std::string &name)
{
    const auto q = s.heads * s.headDim;
    const auto kv = s.kvHeads * s.headDim;
    if (name == "q_proj") return {s.hidden, q};
    if (name == "k_proj" || name == "v_proj") return {s.hidden, kv};
    if (name == "o_proj") return {q, s.hidden};
    if (name == "gate_proj" || name == "up_proj") return {s.hidden, s.intermediate};
    if (name == "down_proj") return {s.intermediate, s.hidden};
    throw unknownTarget(name);
}

} // namespace

ModelShape shapeOf(const model::ModelConfig &config)
{
    ModelShape s;
    s.layers = config.numLayers;
    s.hidden = config.hiddenSize;
    s.intermediate = config.intermediateSize;
    s.heads = config.numHeads;
    s.kvHeads = config.numKvHeads;
    s.headDim = config.headDim;
    s.vocab = config.vocabSize;
    s.tiedEmbeddings = config.tieWordEmbeddings;
    s.attentionBias = config.attentionBias;
    s.qkNorm = config.qkNorm;
    return s;
}

std::int64_t parameterCount(const ModelShape &s)
{
    validateShape(s);
    const auto q = s.heads * s.headDim;
    const auto kv = s.kvHeads * s.headDim;
    const auto attention = s.hidden * q + 2 * s.hidden * kv + q * s.hidden
        + (s.attentionBias ? q + 2 * kv : 0) + (s.qkNorm ? 2 * s.headDim : 0);
    const auto mlp = 3 * s.hidden * s.intermediate;
    const auto norms = 2 * s.hidden;
    const auto embeddings = s.vocab * s.hidden;
    return embeddings + s.layers * (attention + mlp + norms) + s.hidden + (s.tiedEmbeddings ? 0 : embeddings);
}

const std::vector<std::string> &loraTargetNames()
{
    return loraTargetableModules(); // one list for the adapters and their plan
}

std::int64_t loraParameterCount(const ModelShape &shape, std::int64_t rank, const std::vector<std::string> &targets)
{
    validateShape(shape);
    if (rank < 0)
        throw Error("LoRA rank must be 0 (no adapter) or more, found " + std::to_string(rank), {"", 0, "lora_r"});
    std::int64_t perLayer = 0;
    for (const auto &name : std::set<std::string>(targets.begin(), targets.end())) {
        const auto [in, out] = linearShape(shape, name);
        perLayer += rank * (in + out);
    }
    return perLayer * shape.layers;
}

std::vector<std::string> parseLoraTargets(const std::string &list)
{
    if (list == "all" || list == "all-linear")
        return loraTargetNames();
    std::vector<std::string> names;
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto comma = std::min(list.find(',', start), list.size());
        const auto name = list.substr(start, comma - start);
        if (!isTarget(name))
            throw unknownTarget(name);
        names.push_back(name);
        start = comma + 1;
    }
    return names;
}

} // namespace rlrf::train
