// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/attention.h"

#include <torch/torch.h>
#include <torch/version.h>

#include "model/cached_attention.h"
#include "model/inference_kernels.h"
#include "model/kv_cache.h"
#include "model/rotary.h"
#include "model/training_kernels.h"

#include <cmath>
#include <limits>

namespace rlrf::model {

namespace {

torch::nn::Linear linear(std::int64_t in, std::int64_t out, bool bias)
{
    return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias));
}

#if TORCH_VERSION_MAJOR >= 2
// The most negative finite value of a floating type: a masked score that stays
// finite, so softmax over a row with nothing allowed is uniform instead of NaN.
double lowestFinite(torch::ScalarType type)
{
    switch (type) {
    case torch::kDouble: return std::numeric_limits<double>::lowest();
    case torch::kHalf: return -65504.0;
    case torch::kBFloat16: return -3.38e38; // bfloat16's largest is 3.3895e38
    default: return std::numeric_limits<float>::lowest();
    }
}
#endif

} // namespace

AttentionImpl::AttentionImpl(const ModelConfig &config)
    : m_numHeads(config.numHeads)
    , m_numKvHeads(config.numKvHeads)
    , m_headDim(config.headDim)
{
    const auto d = config.hiddenSize;
    q_proj = register_module("q_proj", linear(d, m_numHeads * m_headDim, config.attentionBias));
    k_proj = register_module("k_proj", linear(d, m_numKvHeads * m_headDim, config.attentionBias));
    v_proj = register_module("v_proj", linear(d, m_numKvHeads * m_headDim, config.attentionBias));
    o_proj = register_module("o_proj", linear(m_numHeads * m_headDim, d, false));
    if (config.qkNorm) {
        q_norm = register_module("q_norm", RmsNorm(m_headDim, config.rmsNormEps));
        k_norm = register_module("k_norm", RmsNorm(m_headDim, config.rmsNormEps));
    }
}

torch::Tensor AttentionImpl::forward(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                                     const torch::Tensor &allowed, KvCache *cache, std::int64_t layer)
{
    const auto b = x.size(0);
    const auto t = x.size(1);
    const auto groups = m_numHeads / m_numKvHeads;
    auto q = applyLinear(q_proj, x, lora_q).view({b, t, m_numHeads, m_headDim});   // [B,T,H,K]
    auto k = applyLinear(k_proj, x, lora_k).view({b, t, m_numKvHeads, m_headDim}); // [B,T,Hk,K]
    auto v = applyLinear(v_proj, x, lora_v).view({b, t, m_numKvHeads, m_headDim}); // [B,T,Hk,K]
    if (q_norm) { // Qwen3 normalises each head before the rotation
        q = q_norm(q);
        k = k_norm(k);
    }
    const double scale = 1.0 / std::sqrt(static_cast<double>(m_headDim));
    // With a graph on CPU float32 the rotation is one differentiable kernel, and
    // on LibTorch 1.13 the queries carry the score scale from there (four times
    // fewer multiplications than scaling the scores, and one op less each way).
    const bool fused = trainingKernelsApply(q) && k.scalar_type() == torch::kFloat32;
#if TORCH_VERSION_MAJOR >= 2
    const double queryScale = 1.0; // the fused attention below scales
#else
    const double queryScale = fused ? scale : 1.0;
#endif
    const double scoreScale = scale / queryScale; // what the scores still need
    if (inferenceKernelsApply(x)) { // rotate the fresh projections where they lie
        rotateHeadsInPlace(q, cos, sin);
        rotateHeadsInPlace(k, cos, sin);
        q = q.transpose(1, 2);
        k = k.transpose(1, 2);
    } else if (fused) {
        q = rotateHeadsTraining(q, cos, sin, queryScale); // [B,H,T,K]
        k = rotateHeadsTraining(k, cos, sin, 1.0);        // [B,Hk,T,K]
    } else {
        q = Rotary::apply(q.transpose(1, 2), cos, sin); // [B,H,T,K]
        k = Rotary::apply(k.transpose(1, 2), cos, sin); // [B,Hk,T,K]
    }
    v = v.transpose(1, 2);                              // [B,Hk,T,K]
    if (cache && cache->sharesPrefix()) { // n samples of each prompt, the prompt's positions held once
        if (t == 1 && !torch::GradMode::is_enabled()) {
            const auto history = cache->appendShared(layer, k, v);
            if (sharedPrefixAttentionApplies(q, history))
                return applyLinear(o_proj, sharedPrefixAttention(q, history, allowed, scoreScale), lora_o);
            // Not for the kernel: the rows' whole histories, gathered, for the paths below.
            const auto rows = torch::tensor(*history.prefixOf, torch::kInt64).to(k.device());
            k = torch::cat({history.prefixKeys.index_select(0, rows), history.keys}, 2);
            v = torch::cat({history.prefixValues.index_select(0, rows), history.values}, 2);
        } else {
            std::tie(k, v) = cache->append(layer, k, v); // [B,Hk,S,K]
        }
    } else if (cache) {
        std::tie(k, v) = cache->append(layer, k, v); // [B,Hk,S,K]
    }
    const auto s = k.size(2);
    if (cachedAttentionApplies(q, k, v)) // decoding on the CPU: one pass over the cache
        return applyLinear(o_proj, cachedAttention(q, k, v, allowed, scoreScale), lora_o);

#if TORCH_VERSION_MAJOR >= 2
    // LibTorch 2.x: its fused attention (flash or memory-efficient kernels on
    // CUDA, a fused kernel on the CPU). Keys and values are widened to every query
    // head (2.x before 2.5 has no grouped form). The mask is additive with the
    // lowest finite value, as below: a padding query with no allowed key gets a
    // uniform softmax, not NaN that would reach later layers through its values.
    const auto kvHeads = [&](const torch::Tensor &kv) {
        return groups == 1 ? kv : kv.unsqueeze(2).expand({b, m_numKvHeads, groups, s, m_headDim})
                                                 .reshape({b, m_numHeads, s, m_headDim});
    };
    const auto mask = torch::zeros({b, 1, t, s}, q.options())
                          .masked_fill(allowed.logical_not().view({b, 1, t, s}), lowestFinite(q.scalar_type()));
    const auto context = at::scaled_dot_product_attention(q, kvHeads(k), kvHeads(v), mask, 0.0, false)
                             .transpose(1, 2)
                             .reshape({b, t, m_numHeads * m_headDim}); // [B,T,H*K]
    return applyLinear(o_proj, context, lora_o);
#else
    // Query heads of one group share a key/value head: fold the group into the
    // query length instead of copying keys and values G times.
    const auto qGrouped = q.reshape({b, m_numKvHeads, groups * t, m_headDim});        // [B,Hk,G*T,K]
    torch::Tensor weights; // [B,Hk,G*T,S]
    if (fused) { // the queries are scaled already; mask and softmax in one kernel
        weights = maskedSoftmaxTraining(torch::matmul(qGrouped, k.transpose(2, 3)).view({b, m_numKvHeads, groups, t, s}),
                                        allowed)
                      .view({b, m_numKvHeads, groups * t, s});
    } else {
        auto scores = torch::matmul(qGrouped, k.transpose(2, 3)).to(torch::kFloat32);  // [B,Hk,G*T,S]
        scores = scores.mul_(1.0 / std::sqrt(static_cast<double>(m_headDim)))
                     .view({b, m_numKvHeads, groups, t, s});
        // A masked score is set to the lowest float rather than -inf, so a row with no
        // allowed key (a padding query) gets a harmless uniform softmax instead of NaN.
        scores = scores.masked_fill(allowed.logical_not().view({b, 1, 1, t, s}),
                                    std::numeric_limits<float>::lowest());
        weights = torch::softmax(scores, -1).to(v.scalar_type()).view({b, m_numKvHeads, groups * t, s});
    }
    const auto context = torch::matmul(weights, v)                                     // [B,Hk,G*T,K]
                             .view({b, m_numHeads, t, m_headDim})
                             .transpose(1, 2)
                             .reshape({b, t, m_numHeads * m_headDim});                 // [B,T,H*K]
    return applyLinear(o_proj, context, lora_o);
#endif
}

} // namespace rlrf::model
