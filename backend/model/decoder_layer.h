// SPDX-License-Identifier: GPL-3.0-or-later
// One pre-norm transformer block: x + attn(norm(x)), then h + mlp(norm(h)).
// Shape legend: B batch, T new positions, S all key positions, D model width, K head size.
#pragma once

#include "model/attention.h"
#include "model/mlp.h"
#include "model/rms_norm.h"

#include <torch/torch.h>

namespace rlrf::model {

class DecoderLayerImpl : public torch::nn::Module {
public:
    DecoderLayerImpl(const ModelConfig &config, std::int64_t index);

    // x [B,T,D]; cos/sin [B,T,K]; allowed [B,T,S]. Returns [B,T,D].
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                          const torch::Tensor &allowed, KvCache *cache);

    Attention self_attn{nullptr};
    Mlp mlp{nullptr};
    RmsNorm input_layernorm{nullptr}, post_attention_layernorm{nullptr};

private:
    std::int64_t m_index;
};
TORCH_MODULE(DecoderLayer);

} // namespace rlrf::model
