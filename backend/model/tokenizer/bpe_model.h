// SPDX-License-Identifier: GPL-3.0-or-later
// The "model" section of tokenizer.json when its type is BPE: vocabulary, ranked
// merges, byte fallback (<0xNN> tokens), unknown token, ignore_merges. Encoding a
// word is O(n log n) with a priority queue over a linked list of symbols, and words
// seen before come from a cache.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rlrf::model::detail {

class BpeModel {
public:
    // Throws rlrf::Error naming `file` and the field: missing vocab, a merge naming
    // an unknown token, an unsupported option.
    BpeModel(const nlohmann::json &spec, const std::string &file);

    // Appends the ids of one pre-tokenized word. Thread-safe.
    void encodeWord(std::string_view word, std::vector<std::int32_t> &ids) const;

    std::optional<std::int32_t> tokenToId(std::string_view token) const;
    const std::string *idToToken(std::int32_t id) const; // nullptr when unknown
    std::size_t vocabSize() const { return m_idToToken.size(); }
    void indexSmallChar(const std::string &token, std::int32_t id);
    std::optional<std::int32_t> unkId() const { return m_unkId; }
    std::int32_t maxId() const { return static_cast<std::int32_t>(m_idToToken.size()) - 1; }

    // Added tokens that are not in the model vocabulary extend it (tokenizer.json
    // "added_tokens" may name ids beyond the BPE vocabulary).
    void addToken(const std::string &token, std::int32_t id);

private:
    struct Merge { std::int32_t rank; std::int32_t newId; };

    void readVocab(const nlohmann::json &vocab, const std::string &file);
    void readMerges(const nlohmann::json &merges, const std::string &file);
    struct Symbol { std::int32_t id; int prev; int next; }; // a linked list over a word
    std::vector<Symbol> initialSymbols(std::string_view word) const;
    void applyMerges(std::vector<Symbol> &symbols) const;
    void mergeWord(std::string_view word, std::vector<std::int32_t> &ids) const;
    void appendUnknownChar(std::string_view ch, std::vector<std::int32_t> &ids) const;

    static std::uint64_t pairKey(std::int32_t a, std::int32_t b)
    {
        return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a)) << 32) | static_cast<std::uint32_t>(b);
    }

    std::unordered_map<std::string, std::int32_t> m_tokenToId;
    std::vector<std::string> m_idToToken;
    std::unordered_map<std::uint64_t, Merge> m_merges;
    std::optional<std::int32_t> m_unkId;
    std::int32_t m_byteIds[256];
    // Ids of one-character tokens below U+0800 (ASCII, Latin, GPT-2's byte
    // stand-ins), -1 if absent: the hot lookup of initialSymbols without hashing.
    std::vector<std::int32_t> m_smallCharIds;
    bool m_byteFallback = false;
    bool m_fuseUnk = false;
    bool m_ignoreMerges = false;

    // Word -> ids; bounded, cleared when full. Guarded by m_cacheMutex.
    mutable std::shared_mutex m_cacheMutex;
    mutable std::unordered_map<std::string, std::vector<std::int32_t>> m_cache;
};

} // namespace rlrf::model::detail
