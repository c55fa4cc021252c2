// SPDX-License-Identifier: GPL-3.0-or-later
// Grouped-query self-attention (Ainslie et al. 2023) with rotary positions, optional
// q/k/v biases (Qwen2), optional per-head RMSNorm of queries and keys (Qwen3), and
// an optional KV cache. Scores and softmax are computed in float32.
// Shape legend: B batch, T new positions, S all key positions (cached + new),
// D model width, H query heads, Hk key/value heads, G = H/Hk, K head size.
#pragma once

#include "model/lora_slot.h"
#include "model/model_config.h"
#include "model/rms_norm.h"

#include <torch/torch.h>

namespace rlrf::model {

class KvCache;

class AttentionImpl : public torch::nn::Module {
public:
    explicit AttentionImpl(const ModelConfig &config);

    // x [B,T,D]; cos/sin [B,T,K]; allowed [B,T,S] bool (true = may attend).
    // With a cache, the new keys/values are appended to `layer` and attention runs
    // over the whole history. Returns [B,T,D].
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                          const torch::Tensor &allowed, KvCache *cache, std::int64_t layer);

    // Registered under Hugging Face's names: they are checkpoint keys.
    torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};
    RmsNorm q_norm{nullptr}, k_norm{nullptr}; // only with config.qkNorm
    // LoRA updates of the four projections (inactive without an adapter).
    LoraSlot lora_q, lora_k, lora_v, lora_o;

private:
    std::int64_t m_numHeads;
    std::int64_t m_numKvHeads;
    std::int64_t m_headDim;
};
TORCH_MODULE(Attention);

} // namespace rlrf::model
