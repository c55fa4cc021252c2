// SPDX-License-Identifier: GPL-3.0-or-later
// Attention of a few new query positions over the KV cache, in one pass over each
// row's cached keys and values: the CPU float32 path of decoding.
//
// Why: at one new token per row the scores are a [1,K]x[K,S] product per row and
// head. LibTorch's CPU bmm runs that as one BLAS call per row and head (a select,
// packing and a call each: 768 calls a step for 64 rows of a 6-layer model), which
// cost more than the whole rest of a decoding step. Here each (row, head) is a
// dot product over S contiguous keys, a softmax and a weighted sum of S
// contiguous values, with rows and heads spread over the intra-op threads.
// Inference only: nothing here is differentiable.
// Shape legend: B batch, T new positions, S cached + new, H query heads,
// Hk key/value heads (H = G*Hk), K head size.
#pragma once

#include <torch/torch.h>

#include "model/kv_cache.h"

namespace rlrf::model {

// Whether cachedAttention() serves these inputs: CPU, float32, no gradient
// wanted, at most `kCachedAttentionMaxQueries` new positions, keys and values
// with a contiguous last dimension.
inline constexpr std::int64_t kCachedAttentionMaxQueries = 4;
bool cachedAttentionApplies(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v);

// q [B,H,T,K], k and v [B,Hk,S,K] (views into the cache are fine), allowed
// [B,T,S] bool. Returns the attention output [B,T,H*K], softmax(q.k * scale) . v
// with disallowed keys left out; a query with no allowed key gets the mean of all
// S values, as a softmax over equal scores gives (a padding query).
torch::Tensor cachedAttention(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                              const torch::Tensor &allowed, double scale);

// The same for one new position per row over a shared cache (KvCache::shareRows):
// each row's history is its prompt's positions, then its own. The rows of one
// prompt are served together, so each of the prompt's keys and values is read
// once for all its samples, not once per sample: decoding reads the cache from
// memory at every step, and the prompt is most of it. Each row gets exactly what
// cachedAttention() gives it over the gathered history.
bool sharedPrefixAttentionApplies(const torch::Tensor &q, const KvCache::SharedHistory &history);
torch::Tensor sharedPrefixAttention(const torch::Tensor &q, const KvCache::SharedHistory &history,
                                    const torch::Tensor &allowed, double scale);

} // namespace rlrf::model
