// SPDX-License-Identifier: GPL-3.0-or-later
// Keys and values of every layer for a batch of sequences that grow together.
// Buffers are preallocated and grow by doubling, so appending one token does not
// copy the whole history each step. After a prefill, n samples of one prompt can
// share the prompt's positions (shareRows): each row then stores only what it
// generates, and attention reads the prompt's keys once for all its samples.
// Shape legend: B batch, T sequence, S cached length, Hk key/value heads, K head size.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace rlrf::model {

class KvCache {
public:
    KvCache() = default;
    KvCache(std::int64_t numLayers, std::int64_t capacity);

    std::int64_t length() const { return m_length; }   // S: positions already cached
    std::int64_t batchSize() const;
    bool empty() const { return m_length == 0; }

    // Stores the new keys/values [B,Hk,T,K] of `layer` after the cached ones and
    // returns the whole history [B,Hk,S+T,K]. Every layer appends the same T in one
    // forward pass; the length advances once the last layer has appended.
    std::pair<torch::Tensor, torch::Tensor> append(std::int64_t layer, const torch::Tensor &keys,
                                                   const torch::Tensor &values);

    // Each row repeated `times` times in place (row r becomes rows r*times .. r*times+times-1):
    // n samples of one prompt share its prefill.
    void repeatRows(std::int64_t times);
    // The same rows as repeatRows(times), but the positions cached so far stay
    // once per prompt (not copied): row r*times+i reads prompt r's. append() still
    // returns whole histories (gathered); attention that can read the two parts
    // apart uses appendShared() instead.
    void shareRows(std::int64_t times);
    bool sharesPrefix() const { return m_shared; }

    // Keeps only the given rows (int64 indices).
    void selectRows(const torch::Tensor &rows);

    // The two parts of a shared cache after storing the new keys/values [B,Hk,T,K]
    // of `layer` (as append() does): S = prefixLength + own positions.
    struct SharedHistory {
        torch::Tensor prefixKeys, prefixValues; // [P,Hk,prefixLength,K], one per prompt
        torch::Tensor keys, values;             // [B,Hk,S-prefixLength,K], each row's own
        const std::vector<std::int64_t> *prefixOf = nullptr; // row -> prompt, rows of a prompt adjacent
    };
    SharedHistory appendShared(std::int64_t layer, const torch::Tensor &keys, const torch::Tensor &values);

private:
    void ensureCapacity(std::int64_t layer, const torch::Tensor &like, std::int64_t needed);
    void store(std::int64_t layer, const torch::Tensor &keys, const torch::Tensor &values);

    // Each row's positions: all of them, or after shareRows() those after the prefix.
    std::vector<torch::Tensor> m_keys;   // per layer [B,Hk,capacity,K]
    std::vector<torch::Tensor> m_values; // per layer [B,Hk,capacity,K]
    std::int64_t m_length = 0;           // S, the prefix included
    std::int64_t m_initialCapacity = 0;
    bool m_shared = false;
    std::vector<torch::Tensor> m_prefixKeys;   // per layer [P,Hk,prefixLength,K]
    std::vector<torch::Tensor> m_prefixValues; // per layer [P,Hk,prefixLength,K]
    std::vector<std::int64_t> m_prefixOf;      // row -> prompt
    std::int64_t m_prefixLength = 0;
};

} // namespace rlrf::model
