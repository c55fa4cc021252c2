// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/kv_cache.h"

#include <torch/torch.h>

#include "core/error.h"

namespace rlrf::model {

KvCache::KvCache(std::int64_t numLayers, std::int64_t capacity)
    : m_keys(static_cast<size_t>(numLayers))
    , m_values(static_cast<size_t>(numLayers))
    , m_initialCapacity(capacity)
{
}

std::int64_t KvCache::batchSize() const
{
    return (m_keys.empty() || !m_keys[0].defined()) ? 0 : m_keys[0].size(0);
}

void KvCache::ensureCapacity(std::int64_t layer, const torch::Tensor &like, std::int64_t needed)
{
    auto &keys = m_keys[static_cast<size_t>(layer)];
    auto &values = m_values[static_cast<size_t>(layer)];
    if (keys.defined() && keys.size(2) >= needed)
        return;
    std::int64_t capacity = std::max<std::int64_t>({needed, m_initialCapacity, 16});
    if (keys.defined())
        capacity = std::max(capacity, 2 * keys.size(2));
    auto grownKeys = torch::zeros({like.size(0), like.size(1), capacity, like.size(3)}, like.options());
    auto grownValues = torch::zeros_like(grownKeys);
    if (keys.defined() && m_length > 0) {
        grownKeys.narrow(2, 0, m_length).copy_(keys.narrow(2, 0, m_length));
        grownValues.narrow(2, 0, m_length).copy_(values.narrow(2, 0, m_length));
    }
    keys = grownKeys;
    values = grownValues;
}

std::pair<torch::Tensor, torch::Tensor> KvCache::append(std::int64_t layer, const torch::Tensor &keys,
                                                        const torch::Tensor &values)
{
    if (layer < 0 || layer >= static_cast<std::int64_t>(m_keys.size()))
        throw Error("KV cache has no layer " + std::to_string(layer));
    const std::int64_t newLength = m_length + keys.size(2);
    ensureCapacity(layer, keys, newLength);
    auto &cachedKeys = m_keys[static_cast<size_t>(layer)];
    auto &cachedValues = m_values[static_cast<size_t>(layer)];
    if (cachedKeys.size(0) != keys.size(0))
        throw Error("KV cache holds " + std::to_string(cachedKeys.size(0)) + " rows, the input has "
                    + std::to_string(keys.size(0)));
    cachedKeys.narrow(2, m_length, keys.size(2)).copy_(keys);
    cachedValues.narrow(2, m_length, values.size(2)).copy_(values);
    auto result = std::make_pair(cachedKeys.narrow(2, 0, newLength), cachedValues.narrow(2, 0, newLength));
    if (layer + 1 == static_cast<std::int64_t>(m_keys.size()))
        m_length = newLength;
    return result;
}

void KvCache::repeatRows(std::int64_t times)
{
    for (size_t i = 0; i < m_keys.size(); ++i) {
        if (!m_keys[i].defined())
            continue;
        m_keys[i] = m_keys[i].repeat_interleave(times, 0);
        m_values[i] = m_values[i].repeat_interleave(times, 0);
    }
}

void KvCache::selectRows(const torch::Tensor &rows)
{
    for (size_t i = 0; i < m_keys.size(); ++i) {
        if (!m_keys[i].defined())
            continue;
        const auto index = rows.to(m_keys[i].device());
        m_keys[i] = m_keys[i].index_select(0, index);
        m_values[i] = m_values[i].index_select(0, index);
    }
}

} // namespace rlrf::model
