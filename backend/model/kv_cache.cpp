// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/kv_cache.h"

#include <torch/torch.h>

#include "core/error.h"

#include <algorithm>
#include <cstring>

namespace rlrf::model {

KvCache::KvCache(std::int64_t numLayers, std::int64_t capacity)
    : m_keys(static_cast<size_t>(numLayers))
    , m_values(static_cast<size_t>(numLayers))
    , m_initialCapacity(capacity)
{
}

std::int64_t KvCache::batchSize() const
{
    if (m_shared)
        return static_cast<std::int64_t>(m_prefixOf.size());
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
    const auto held = m_length - m_prefixLength;
    if (keys.defined() && held > 0) {
        grownKeys.narrow(2, 0, held).copy_(keys.narrow(2, 0, held));
        grownValues.narrow(2, 0, held).copy_(values.narrow(2, 0, held));
    }
    keys = grownKeys;
    values = grownValues;
}

void KvCache::store(std::int64_t layer, const torch::Tensor &keys, const torch::Tensor &values)
{
    if (layer < 0 || layer >= static_cast<std::int64_t>(m_keys.size()))
        throw Error("KV cache has no layer " + std::to_string(layer));
    const auto own = m_length - m_prefixLength; // positions held per row before this step
    ensureCapacity(layer, keys, own + keys.size(2));
    auto &cachedKeys = m_keys[static_cast<size_t>(layer)];
    auto &cachedValues = m_values[static_cast<size_t>(layer)];
    if (cachedKeys.size(0) != keys.size(0))
        throw Error("KV cache holds " + std::to_string(cachedKeys.size(0)) + " rows, the input has "
                    + std::to_string(keys.size(0)));
    cachedKeys.narrow(2, own, keys.size(2)).copy_(keys);
    cachedValues.narrow(2, own, values.size(2)).copy_(values);
}

std::pair<torch::Tensor, torch::Tensor> KvCache::append(std::int64_t layer, const torch::Tensor &keys,
                                                        const torch::Tensor &values)
{
    store(layer, keys, values);
    const std::int64_t newLength = m_length + keys.size(2);
    const auto own = newLength - m_prefixLength;
    auto &cachedKeys = m_keys[static_cast<size_t>(layer)];
    auto &cachedValues = m_values[static_cast<size_t>(layer)];
    std::pair<torch::Tensor, torch::Tensor> result;
    if (m_shared) { // whole histories for attention that reads one tensor: gathered
        const auto rows = torch::tensor(m_prefixOf, torch::kInt64).to(cachedKeys.device());
        result = {torch::cat({m_prefixKeys[static_cast<size_t>(layer)].index_select(0, rows),
                              cachedKeys.narrow(2, 0, own)}, 2),
                  torch::cat({m_prefixValues[static_cast<size_t>(layer)].index_select(0, rows),
                              cachedValues.narrow(2, 0, own)}, 2)};
    } else {
        result = {cachedKeys.narrow(2, 0, newLength), cachedValues.narrow(2, 0, newLength)};
    }
    if (layer + 1 == static_cast<std::int64_t>(m_keys.size()))
        m_length = newLength;
    return result;
}

KvCache::SharedHistory KvCache::appendShared(std::int64_t layer, const torch::Tensor &keys, const torch::Tensor &values)
{
    if (!m_shared)
        throw Error("KV cache: appendShared before shareRows"); // a caller bug
    store(layer, keys, values);
    const std::int64_t newLength = m_length + keys.size(2);
    const auto own = newLength - m_prefixLength;
    const auto i = static_cast<size_t>(layer);
    SharedHistory history{m_prefixKeys[i], m_prefixValues[i], m_keys[i].narrow(2, 0, own),
                          m_values[i].narrow(2, 0, own), &m_prefixOf};
    if (layer + 1 == static_cast<std::int64_t>(m_keys.size()))
        m_length = newLength;
    return history;
}

void KvCache::repeatRows(std::int64_t times)
{
    for (size_t i = 0; i < m_keys.size(); ++i) {
        if (!m_keys[i].defined())
            continue;
        m_keys[i] = m_keys[i].repeat_interleave(times, 0);
        m_values[i] = m_values[i].repeat_interleave(times, 0);
    }
    if (m_shared) {
        std::vector<std::int64_t> prefixOf;
        for (const auto p : m_prefixOf)
            for (std::int64_t k = 0; k < times; ++k)
                prefixOf.push_back(p);
        m_prefixOf = std::move(prefixOf);
    }
}

void KvCache::shareRows(std::int64_t times)
{
    if (m_shared) { // once shared, more samples repeat the rows' own parts
        repeatRows(times);
        return;
    }
    const auto prompts = batchSize();
    m_prefixKeys.assign(m_keys.size(), {});
    m_prefixValues.assign(m_values.size(), {});
    for (size_t i = 0; i < m_keys.size(); ++i) {
        if (!m_keys[i].defined())
            continue;
        // The prefill's buffers, cut to what they hold, become the prompts' part.
        m_prefixKeys[i] = m_keys[i].narrow(2, 0, m_length);
        m_prefixValues[i] = m_values[i].narrow(2, 0, m_length);
        m_keys[i] = torch::Tensor();
        m_values[i] = torch::Tensor();
    }
    m_prefixOf.clear();
    for (std::int64_t p = 0; p < prompts; ++p)
        for (std::int64_t k = 0; k < times; ++k)
            m_prefixOf.push_back(p);
    m_prefixLength = m_length;
    m_shared = true;
    m_initialCapacity = std::max<std::int64_t>(16, m_initialCapacity - m_length);
}

namespace {

// True when every row of `t` [B,Hk,C,K] holds its heads at one stride and each
// head's positions one after the other, on the CPU: the layout compactRows reads.
bool compactable(const torch::Tensor &t)
{
    return t.device().is_cpu() && t.dim() == 4 && t.stride(3) == 1 && t.stride(2) == t.size(3);
}

// Moves row keep[i] to row i for each i, the first `length` positions only, and
// drops the rows after the kept ones. keep is increasing, so a row is read before
// anything overwrites it.
torch::Tensor compactRows(const torch::Tensor &t, const std::vector<std::int64_t> &keep, std::int64_t length)
{
    auto *base = static_cast<char *>(t.data_ptr());
    const auto element = static_cast<std::int64_t>(t.element_size());
    const auto rowStride = t.stride(0) * element, headStride = t.stride(1) * element;
    const auto bytes = static_cast<std::size_t>(length * t.size(3) * element);
    for (std::size_t i = 0; i < keep.size(); ++i) {
        const auto from = keep[i], to = static_cast<std::int64_t>(i);
        if (from == to)
            continue;
        for (std::int64_t head = 0; head < t.size(1); ++head)
            std::memcpy(base + to * rowStride + head * headStride, base + from * rowStride + head * headStride, bytes);
    }
    return t.narrow(0, 0, static_cast<std::int64_t>(keep.size()));
}

} // namespace

void KvCache::selectRows(const torch::Tensor &rows)
{
    // Rows leave the batch as their sequences end, many times per batch: on the
    // CPU the kept rows move up in place over the filled positions only, instead
    // of a gather that copies every row's whole capacity.
    const auto keepTensor = rows.to(torch::kCPU, torch::kInt64).contiguous();
    const std::vector<std::int64_t> keep(keepTensor.data_ptr<std::int64_t>(),
                                         keepTensor.data_ptr<std::int64_t>() + keepTensor.numel());
    bool inPlace = std::is_sorted(keep.begin(), keep.end())
        && std::adjacent_find(keep.begin(), keep.end()) == keep.end()
        && (keep.empty() || (keep.front() >= 0 && keep.back() < batchSize()));
    for (size_t i = 0; i < m_keys.size() && inPlace; ++i)
        inPlace = !m_keys[i].defined() || (compactable(m_keys[i]) && compactable(m_values[i]));
    for (size_t i = 0; i < m_keys.size(); ++i) {
        if (!m_keys[i].defined())
            continue;
        if (inPlace) {
            m_keys[i] = compactRows(m_keys[i], keep, m_length - m_prefixLength);
            m_values[i] = compactRows(m_values[i], keep, m_length - m_prefixLength);
            continue;
        }
        const auto index = rows.to(m_keys[i].device());
        m_keys[i] = m_keys[i].index_select(0, index);
        m_values[i] = m_values[i].index_select(0, index);
    }
    if (m_shared) {
        std::vector<std::int64_t> prefixOf;
        prefixOf.reserve(keep.size());
        for (const auto row : keep)
            prefixOf.push_back(m_prefixOf.at(static_cast<size_t>(row)));
        m_prefixOf = std::move(prefixOf);
    }
}

} // namespace rlrf::model
