// SPDX-License-Identifier: GPL-3.0-or-later
// BPE encoding as Hugging Face tokenizers does it (models/bpe/word.rs): repeatedly
// merge the adjacent pair with the lowest merge rank, leftmost first on ties.
#include "model/tokenizer/bpe_model.h"

#include "core/error.h"
#include "model/tokenizer/utf8.h"

#include <cstdio>
#include <queue>

namespace rlrf::model::detail {

namespace {

constexpr std::size_t kMaxCachedWordBytes = 256;
constexpr std::size_t kMaxCacheEntries = 200000;

std::string byteToken(unsigned char b)
{
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "<0x%02X>", b);
    return buffer;
}

bool isEmptyOrNull(const nlohmann::json &spec, const char *key)
{
    const auto it = spec.find(key);
    return it == spec.end() || it->is_null() || (it->is_string() && it->get<std::string>().empty());
}

} // namespace

BpeModel::BpeModel(const nlohmann::json &spec, const std::string &file)
{
    if (!isEmptyOrNull(spec, "continuing_subword_prefix") || !isEmptyOrNull(spec, "end_of_word_suffix"))
        throw Error("unsupported BPE option: continuing_subword_prefix / end_of_word_suffix", {file, 0, "model"});
    if (const auto it = spec.find("dropout"); it != spec.end() && !it->is_null() && it->get<double>() > 0.0)
        throw Error("unsupported BPE option: dropout (only for training)", {file, 0, "model.dropout"});
    const auto vocab = spec.find("vocab");
    if (vocab == spec.end() || !vocab->is_object() || vocab->empty())
        throw Error("missing vocabulary: expected an object of token -> id", {file, 0, "model.vocab"});
    readVocab(*vocab, file);
    const auto merges = spec.find("merges");
    if (merges == spec.end() || !merges->is_array())
        throw Error("missing merges: expected a list", {file, 0, "model.merges"});
    readMerges(*merges, file);

    m_byteFallback = spec.value("byte_fallback", false);
    m_fuseUnk = spec.value("fuse_unk", false);
    m_ignoreMerges = spec.value("ignore_merges", false);
    if (!isEmptyOrNull(spec, "unk_token")) {
        const std::string unk = spec["unk_token"].get<std::string>();
        m_unkId = tokenToId(unk);
        if (!m_unkId)
            throw Error("unk_token '" + unk + "' is not in the vocabulary", {file, 0, "model.unk_token"});
    }
    for (int b = 0; b < 256; ++b) {
        const auto id = tokenToId(byteToken(static_cast<unsigned char>(b)));
        m_byteIds[b] = id ? *id : -1;
    }
}

void BpeModel::readVocab(const nlohmann::json &vocab, const std::string &file)
{
    m_tokenToId.reserve(vocab.size());
    std::int32_t maxId = -1;
    for (const auto &[token, value] : vocab.items()) {
        if (!value.is_number_integer() || value.get<long long>() < 0 || value.get<long long>() > INT32_MAX)
            throw Error("token id is not a non-negative integer", {file, 0, "model.vocab." + token});
        const auto id = value.get<std::int32_t>();
        m_tokenToId.emplace(token, id);
        maxId = std::max(maxId, id);
    }
    m_idToToken.assign(static_cast<std::size_t>(maxId) + 1, std::string());
    m_smallCharIds.assign(0x800, -1);
    for (const auto &[token, id] : m_tokenToId) {
        m_idToToken[static_cast<std::size_t>(id)] = token;
        indexSmallChar(token, id);
    }
}

void BpeModel::readMerges(const nlohmann::json &merges, const std::string &file)
{
    m_merges.reserve(merges.size());
    for (std::size_t rank = 0; rank < merges.size(); ++rank) {
        const auto &m = merges[rank];
        const std::string field = "model.merges[" + std::to_string(rank) + "]";
        std::string left, right;
        if (m.is_string()) {
            // "a b": tokens never contain a plain space in these vocabularies.
            const std::string text = m.get<std::string>();
            const auto space = text.find(' ', 1);
            if (space == std::string::npos)
                throw Error("a merge must be two tokens separated by a space, got '" + text + "'", {file, 0, field});
            left = text.substr(0, space);
            right = text.substr(space + 1);
        } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
            left = m[0].get<std::string>();
            right = m[1].get<std::string>();
        } else {
            throw Error("a merge must be \"a b\" or [\"a\", \"b\"]", {file, 0, field});
        }
        const auto a = tokenToId(left), b = tokenToId(right), ab = tokenToId(left + right);
        for (const auto &[name, id] : {std::pair{left, a}, std::pair{right, b}, std::pair{left + right, ab}})
            if (!id)
                throw Error("merge names token '" + name + "' that is not in the vocabulary", {file, 0, field});
        m_merges.emplace(pairKey(*a, *b), Merge{static_cast<std::int32_t>(rank), *ab});
    }
}

void BpeModel::indexSmallChar(const std::string &token, std::int32_t id)
{
    std::size_t pos = 0;
    const char32_t cp = decodeUtf8(token, pos);
    if (pos == token.size() && cp < m_smallCharIds.size() && cp != kReplacementChar)
        m_smallCharIds[cp] = id;
}

void BpeModel::addToken(const std::string &token, std::int32_t id)
{
    if (id < 0) return;
    indexSmallChar(token, id);
    if (static_cast<std::size_t>(id) >= m_idToToken.size())
        m_idToToken.resize(static_cast<std::size_t>(id) + 1);
    m_idToToken[static_cast<std::size_t>(id)] = token;
    m_tokenToId[token] = id;
}

std::optional<std::int32_t> BpeModel::tokenToId(std::string_view token) const
{
    const auto it = m_tokenToId.find(std::string(token));
    if (it == m_tokenToId.end()) return std::nullopt;
    return it->second;
}

const std::string *BpeModel::idToToken(std::int32_t id) const
{
    if (id < 0 || static_cast<std::size_t>(id) >= m_idToToken.size()) return nullptr;
    const std::string &t = m_idToToken[static_cast<std::size_t>(id)];
    return t.empty() ? nullptr : &t;
}

void BpeModel::encodeWord(std::string_view word, std::vector<std::int32_t> &ids) const
{
    if (word.empty()) return;
    if (m_ignoreMerges) {
        if (const auto id = tokenToId(word)) {
            ids.push_back(*id);
            return;
        }
    }
    const bool cacheable = word.size() <= kMaxCachedWordBytes;
    if (cacheable) {
        std::shared_lock lock(m_cacheMutex);
        const auto it = m_cache.find(std::string(word));
        if (it != m_cache.end()) {
            ids.insert(ids.end(), it->second.begin(), it->second.end());
            return;
        }
    }
    std::vector<std::int32_t> wordIds;
    mergeWord(word, wordIds);
    ids.insert(ids.end(), wordIds.begin(), wordIds.end());
    if (cacheable) {
        std::unique_lock lock(m_cacheMutex);
        if (m_cache.size() >= kMaxCacheEntries)
            m_cache.clear();
        m_cache.emplace(std::string(word), std::move(wordIds));
    }
}

// A character missing from the vocabulary: its bytes as <0xNN> tokens when the
// model falls back to bytes and has them all, else the unknown token (fused with a
// preceding unknown when fuse_unk is set). Without either the character is dropped,
// as the reference implementations do.
void BpeModel::appendUnknownChar(std::string_view ch, std::vector<std::int32_t> &ids) const
{
    if (m_byteFallback) {
        bool all = true;
        for (char c : ch)
            all = all && m_byteIds[static_cast<unsigned char>(c)] >= 0;
        if (all) {
            for (char c : ch)
                ids.push_back(m_byteIds[static_cast<unsigned char>(c)]);
            return;
        }
    }
    if (!m_unkId) return;
    if (m_fuseUnk && !ids.empty() && ids.back() == *m_unkId) return;
    ids.push_back(*m_unkId);
}

// Symbols form a doubly linked list over the characters. Characters missing from
// the vocabulary become "fixed" symbols (id -2 - tokenId) that cut the list:
// they never take part in merges.
std::vector<BpeModel::Symbol> BpeModel::initialSymbols(std::string_view word) const
{
    std::vector<Symbol> symbols;
    symbols.reserve(word.size());
    std::vector<std::int32_t> direct;
    for (std::size_t pos = 0; pos < word.size();) {
        const std::size_t len = std::min(utf8SequenceLength(static_cast<unsigned char>(word[pos])), word.size() - pos);
        const std::string_view ch = word.substr(pos, len);
        std::size_t end = pos;
        const char32_t cp = len <= 2 ? decodeUtf8(word, end) : 0x10000;
        pos += len;
        if (cp < m_smallCharIds.size() && end == pos) {
            if (const std::int32_t id = m_smallCharIds[cp]; id >= 0) {
                symbols.push_back({id, -1, -1});
                continue;
            }
        } else if (const auto id = tokenToId(ch)) {
            symbols.push_back({*id, -1, -1});
            continue;
        }
        direct.clear();
        appendUnknownChar(ch, direct);
        for (std::int32_t d : direct) {
            const bool fuse = m_fuseUnk && m_unkId && d == *m_unkId && !symbols.empty() && symbols.back().id == -2 - d;
            if (!fuse) symbols.push_back({-2 - d, -1, -1});
        }
    }
    for (std::size_t i = 0; i < symbols.size(); ++i) {
        if (symbols[i].id <= -2) continue;
        if (i > 0 && symbols[i - 1].id >= 0) symbols[i].prev = static_cast<int>(i) - 1;
        if (i + 1 < symbols.size() && symbols[i + 1].id >= 0) symbols[i].next = static_cast<int>(i) + 1;
    }
    return symbols;
}

// Lowest rank first, leftmost on ties; a merge rewrites the left symbol and marks
// the right one dead (id -1). Queue entries whose pair has changed are skipped.
void BpeModel::applyMerges(std::vector<Symbol> &symbols) const
{
    struct Candidate {
        std::int32_t rank; int pos; std::int32_t newId;
        bool operator<(const Candidate &o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
    };
    std::priority_queue<Candidate> queue;
    auto consider = [&](int left) {
        if (left < 0 || symbols[static_cast<std::size_t>(left)].next < 0) return;
        const auto &l = symbols[static_cast<std::size_t>(left)];
        const auto it = m_merges.find(pairKey(l.id, symbols[static_cast<std::size_t>(l.next)].id));
        if (it != m_merges.end()) queue.push({it->second.rank, left, it->second.newId});
    };
    for (std::size_t i = 0; i + 1 < symbols.size(); ++i)
        consider(static_cast<int>(i));

    while (!queue.empty()) {
        const Candidate top = queue.top();
        queue.pop();
        Symbol &left = symbols[static_cast<std::size_t>(top.pos)];
        if (left.id < 0 || left.next < 0) continue;
        Symbol &right = symbols[static_cast<std::size_t>(left.next)];
        const auto it = m_merges.find(pairKey(left.id, right.id));
        if (it == m_merges.end() || it->second.newId != top.newId) continue;
        left.id = top.newId;
        right.id = -1;
        left.next = right.next;
        if (right.next >= 0) symbols[static_cast<std::size_t>(right.next)].prev = top.pos;
        consider(left.prev);
        consider(top.pos);
    }
}

void BpeModel::mergeWord(std::string_view word, std::vector<std::int32_t> &ids) const
{
    std::vector<Symbol> symbols = initialSymbols(word);
    applyMerges(symbols);
    for (const Symbol &s : symbols) {
        if (s.id >= 0) ids.push_back(s.id);
        else if (s.id <= -2) ids.push_back(-2 - s.id);
    }
}

} // namespace rlrf::model::detail
