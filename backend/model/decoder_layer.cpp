// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/decoder_layer.h"

#include <torch/torch.h>

namespace rlrf::model {

DecoderLayerImpl::DecoderLayerImpl(const ModelConfig &config, std::int64_t index)
    : m_index(index)
{
    self_attn = register_module("self_attn", Attention(config));
    mlp = register_module("mlp", Mlp(config));
    input_layernorm = register_module("input_layernorm", RmsNorm(config.hiddenSize, config.rmsNormEps));
    post_attention_layernorm =
        register_module("post_attention_layernorm", RmsNorm(config.hiddenSize, config.rmsNormEps));
}

torch::Tensor DecoderLayerImpl::forward(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                                        const torch::Tensor &allowed, KvCache *cache)
{
    const auto h = x + self_attn(input_layernorm(x), cos, sin, allowed, cache, m_index);
    return h + mlp(post_attention_layernorm(h));
}

} // namespace rlrf::model
