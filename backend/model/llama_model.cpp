// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/llama_model.h"

#include <torch/torch.h>

#include "core/error.h"
#include "model/checkpointed_layer.h"

#include <sstream>

namespace rlrf::model {

namespace {

void requirePositive(std::int64_t value, const char *field)
{
    if (value <= 0)
        throw Error("must be a positive number, got " + std::to_string(value), {"", 0, field});
}

} // namespace

ModelConfig checkedDecoderConfig(const ModelConfig &config)
{
    ModelConfig c = config;
    requirePositive(c.vocabSize, "vocab_size");
    requirePositive(c.hiddenSize, "hidden_size");
    requirePositive(c.intermediateSize, "intermediate_size");
    requirePositive(c.numLayers, "num_hidden_layers");
    requirePositive(c.numHeads, "num_attention_heads");
    if (c.numKvHeads == 0)
        c.numKvHeads = c.numHeads;
    if (c.headDim == 0) {
        if (c.hiddenSize % c.numHeads != 0)
            throw Error("hidden_size is not a multiple of num_attention_heads", {"", 0, "hidden_size"});
        c.headDim = c.hiddenSize / c.numHeads;
    }
    requirePositive(c.numKvHeads, "num_key_value_heads");
    if (c.numHeads % c.numKvHeads != 0)
        throw Error("num_attention_heads (" + std::to_string(c.numHeads) + ") is not a multiple of it ("
                        + std::to_string(c.numKvHeads) + ")",
                    {"", 0, "num_key_value_heads"});
    return c;
}

LlamaBackboneImpl::LlamaBackboneImpl(const ModelConfig &config)
{
    embed_tokens = register_module("embed_tokens", torch::nn::Embedding(config.vocabSize, config.hiddenSize));
    layers = register_module("layers", torch::nn::ModuleList());
    for (std::int64_t i = 0; i < config.numLayers; ++i)
        layers->push_back(DecoderLayer(config, i));
    norm = register_module("norm", RmsNorm(config.hiddenSize, config.rmsNormEps));
}

LlamaModelImpl::LlamaModelImpl(const ModelConfig &config)
    : m_config(checkedDecoderConfig(config))
    , m_rotary(m_config)
{
    model = register_module("model", LlamaBackbone(m_config));
    if (!m_config.tieWordEmbeddings)
        lm_head = register_module("lm_head", torch::nn::Linear(
                                                 torch::nn::LinearOptions(m_config.hiddenSize, m_config.vocabSize).bias(false)));
}

torch::Tensor LlamaModelImpl::hiddenStates(const torch::Tensor &inputIds, const torch::Tensor &positions,
                                           const torch::Tensor &keyMask, KvCache *cache)
{
    const auto t = inputIds.size(1);
    const auto cached = cache ? cache->length() : 0;
    const auto s = cached + t;
    if (keyMask.size(0) != inputIds.size(0) || keyMask.size(1) != s)
        throw Error("key mask must be [" + std::to_string(inputIds.size(0)) + ", " + std::to_string(s) + "]");
    const auto dev = inputIds.device();
    // Query i (absolute index cached + i) may see key j when j <= cached + i and key j is real.
    const auto queryIndex = torch::arange(cached, s, torch::TensorOptions().dtype(torch::kInt64).device(dev));
    const auto keyIndex = torch::arange(s, torch::TensorOptions().dtype(torch::kInt64).device(dev));
    auto causal = keyIndex.unsqueeze(0) <= queryIndex.unsqueeze(1);                       // [T,S]
    if (m_config.slidingWindow) // Mistral: only the last `window` keys, this one included
        causal = causal.logical_and(keyIndex.unsqueeze(0) > queryIndex.unsqueeze(1) - *m_config.slidingWindow);
    const auto allowed = causal.unsqueeze(0).logical_and(keyMask.to(dev, torch::kBool).unsqueeze(1)); // [B,T,S]

    auto x = model->embed_tokens(inputIds); // [B,T,D]
    const auto [cos, sin] = m_rotary.tables(positions.to(dev), x.scalar_type());
    // Any forward that builds a graph (GRPO's updates run the decoder in eval mode).
    const bool checkpointing = m_gradientCheckpointing && cache == nullptr && torch::GradMode::is_enabled();
    if (checkpointing && !x.requires_grad())
        x = x.detach().requires_grad_(true); // frozen embeddings (LoRA): the layers still need a graph
    for (const auto &layer : *model->layers) {
        auto *decoder = layer->as<DecoderLayer>();
        x = checkpointing ? checkpointedLayer(*decoder, x, cos, sin, allowed)
                          : decoder->forward(x, cos, sin, allowed, cache);
    }
    return model->norm(x);
}

torch::Tensor LlamaModelImpl::logitsFrom(const torch::Tensor &hidden)
{
    const auto &head = m_config.tieWordEmbeddings ? model->embed_tokens->weight : lm_head->weight;
    return torch::nn::functional::linear(hidden, head).to(torch::kFloat32);
}

torch::Tensor LlamaModelImpl::forward(const torch::Tensor &inputIds, const torch::Tensor &positions,
                                      const torch::Tensor &keyMask, KvCache *cache)
{
    return logitsFrom(hiddenStates(inputIds, positions, keyMask, cache));
}

torch::Tensor LlamaModelImpl::forward(const torch::Tensor &inputIds)
{
    const auto options = torch::TensorOptions().dtype(torch::kInt64).device(inputIds.device());
    const auto positions = torch::arange(inputIds.size(1), options).unsqueeze(0).expand_as(inputIds);
    const auto keyMask = torch::ones_like(inputIds, options.dtype(torch::kBool));
    return forward(inputIds, positions, keyMask, nullptr);
}

KvCache LlamaModelImpl::makeCache(std::int64_t capacity) const
{
    return KvCache(m_config.numLayers, capacity);
}

torch::Device LlamaModelImpl::device() const
{
    return model->embed_tokens->weight.device();
}

torch::ScalarType LlamaModelImpl::dtype() const
{
    return model->embed_tokens->weight.scalar_type();
}

void loadWeights(LlamaModel &model, const std::map<std::string, torch::Tensor> &tensors, const std::string &source)
{
    std::ostringstream problems;
    int count = 0;
    auto note = [&](const std::string &text) {
        if (count++ < 20)
            problems << (count > 1 ? "; " : "") << text;
    };
    const auto params = model->named_parameters(/*recurse=*/true);
    for (const auto &item : params) {
        const auto it = tensors.find(item.key());
        if (it == tensors.end())
            note("missing tensor '" + item.key() + "'");
        else if (it->second.sizes() != item.value().sizes()) {
            std::ostringstream shapes;
            shapes << "tensor '" << item.key() << "' has shape " << it->second.sizes() << ", the model expects "
                   << item.value().sizes();
            note(shapes.str());
        }
    }
    for (const auto &[name, tensor] : tensors) {
        const bool tiedHead = name == "lm_head.weight" && model->config().tieWordEmbeddings;
        if (!params.contains(name) && !tiedHead)
            note("unexpected tensor '" + name + "'");
    }
    if (count > 0)
        throw Error(std::to_string(count) + " problem(s) loading weights: " + problems.str()
                        + (count > 20 ? " ..." : ""),
                    {source, 0, {}});
    torch::NoGradGuard noGrad;
    for (auto &item : params)
        item.value().copy_(tensors.at(item.key()));
}

} // namespace rlrf::model
