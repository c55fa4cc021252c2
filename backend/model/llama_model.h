// SPDX-License-Identifier: GPL-3.0-or-later
// The Llama-family causal language model: token embeddings, decoder layers, final
// norm and LM head (tied to the embeddings or separate). Submodules carry Hugging
// Face's names, so named_parameters() yields exactly the safetensors keys
// ("model.layers.0.self_attn.q_proj.weight", "lm_head.weight", ...).
// Shape legend: B batch, T new positions, S all key positions, D model width, V vocabulary.
#pragma once

#include "model/decoder_layer.h"
#include "model/kv_cache.h"
#include "model/model_config.h"
#include "model/rotary.h"

#include <torch/torch.h>

#include <map>
#include <memory>
#include <string>

namespace rlrf::model {

struct LoraAdapter;

// The config with decoder defaults filled (head size, key/value heads) and checked;
// throws rlrf::Error naming the field.
ModelConfig checkedDecoderConfig(const ModelConfig &config);

class LlamaBackboneImpl : public torch::nn::Module {
public:
    explicit LlamaBackboneImpl(const ModelConfig &config);

    torch::nn::Embedding embed_tokens{nullptr};
    torch::nn::ModuleList layers{nullptr};
    RmsNorm norm{nullptr};
};
TORCH_MODULE(LlamaBackbone);

class LlamaModelImpl : public torch::nn::Module {
public:
    explicit LlamaModelImpl(const ModelConfig &config);

    // inputIds [B,T] int64; positions [B,T] int64 (the RoPE position of each token);
    // keyMask [B,S] bool, true for real tokens over cached + new positions
    // (S = cache length + T). Attention is causal by index and skips masked keys.
    // Returns logits [B,T,V] in float32.
    torch::Tensor forward(const torch::Tensor &inputIds, const torch::Tensor &positions,
                          const torch::Tensor &keyMask, KvCache *cache = nullptr);
    // One unpadded batch starting at position 0, no cache.
    torch::Tensor forward(const torch::Tensor &inputIds);

    // Final-norm hidden states [B,T,D] (same arguments as forward).
    torch::Tensor hiddenStates(const torch::Tensor &inputIds, const torch::Tensor &positions,
                               const torch::Tensor &keyMask, KvCache *cache = nullptr);
    // hidden [..., D] -> logits [..., V] float32.
    torch::Tensor logitsFrom(const torch::Tensor &hidden);

    KvCache makeCache(std::int64_t capacity = 0) const;

    // Recompute each layer's intermediates in the backward pass instead of
    // keeping them (forwards with gradients and without a cache; checkpointed_layer.h).
    void setGradientCheckpointing(bool on) { m_gradientCheckpointing = on; }
    bool gradientCheckpointing() const { return m_gradientCheckpointing; }

    const ModelConfig &config() const { return m_config; }
    torch::Device device() const;
    torch::ScalarType dtype() const;

    LlamaBackbone model{nullptr};
    torch::nn::Linear lm_head{nullptr}; // absent when tieWordEmbeddings
    std::shared_ptr<LoraAdapter> lora; // attached LoRA adapter (lora.h), or null

private:
    ModelConfig m_config;
    Rotary m_rotary;
    bool m_gradientCheckpointing = false;
};
TORCH_MODULE(LlamaModel);

// Copies a name -> tensor map into the model (converting dtype and device). Every
// parameter must be present with the right shape and no name may be left over
// (a tied model also accepts "lm_head.weight"); otherwise throws rlrf::Error naming
// `source` and every missing, unexpected or mis-shaped tensor.
void loadWeights(LlamaModel &model, const std::map<std::string, torch::Tensor> &tensors,
                 const std::string &source);

} // namespace rlrf::model
