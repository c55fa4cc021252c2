// SPDX-License-Identifier: GPL-3.0-or-later
// Keys and values of every layer for a batch of sequences that grow together.
// Buffers are preallocated and grow by doubling, so appending one token does not
// copy the whole history each step.
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
    // Keeps only the given rows (int64 indices).
    void selectRows(const torch::Tensor &rows);

private:
    void ensureCapacity(std::int64_t layer, const torch::Tensor &like, std::int64_t needed);

    std::vector<torch::Tensor> m_keys;   // per layer [B,Hk,capacity,K]
    std::vector<torch::Tensor> m_values; // per layer [B,Hk,capacity,K]
    std::int64_t m_length = 0;
    std::int64_t m_initialCapacity = 0;
};

} // namespace rlrf::model
