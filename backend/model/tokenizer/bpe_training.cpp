// SPDX-License-Identifier: GPL-3.0-or-later
// BPE learning (Sennrich et al. 2016, "Neural Machine Translation of Rare Words
// with Subword Units", Algorithm 1) with incremental pair counts and a lazy heap.
#include "model/tokenizer/bpe_training.h"

#include "model/tokenizer/byte_level.h"
#include "model/tokenizer/utf8.h"

#include <queue>
#include <unordered_set>

namespace rlrf::model::detail {

namespace {

using Pair = std::uint64_t;
Pair makePair(std::int32_t a, std::int32_t b) { return (std::uint64_t(std::uint32_t(a)) << 32) | std::uint32_t(b); }
std::int32_t leftOf(Pair p) { return std::int32_t(p >> 32); }
std::int32_t rightOf(Pair p) { return std::int32_t(p & 0xFFFFFFFFu); }

struct Word {
    std::vector<std::int32_t> symbols;
    std::int64_t count = 0;
};

class Learner {
public:
    Learner(const std::unordered_map<std::string, std::int64_t> &wordCounts)
    {
        for (int b = 0; b < 256; ++b) addSymbol(byteToUnicode(static_cast<unsigned char>(b)));
        m_words.reserve(wordCounts.size());
        for (const auto &[text, count] : wordCounts) {
            Word w{{}, count};
            for (std::size_t pos = 0; pos < text.size();) {
                const std::size_t len = utf8SequenceLength(static_cast<unsigned char>(text[pos]));
                w.symbols.push_back(m_ids.at(text.substr(pos, len)));
                pos += len;
            }
            m_words.push_back(std::move(w));
        }
        for (std::size_t i = 0; i < m_words.size(); ++i) countPairs(i, +1);
        for (const auto &[pair, count] : m_counts) push(pair, count);
    }

    LearnedBpe run(std::size_t targetSize, std::size_t minFrequency, const RunContext &ctx)
    {
        LearnedBpe out;
        const std::size_t total = targetSize > m_vocab.size() ? targetSize - m_vocab.size() : 0;
        while (m_vocab.size() < targetSize && !m_heap.empty()) {
            if (ctx.stopRequested()) { out.cancelled = true; break; }
            const Entry top = m_heap.top();
            m_heap.pop();
            const auto it = m_counts.find(top.pair);
            if (it == m_counts.end() || it->second != top.count) continue; // stale
            if (top.count < std::int64_t(minFrequency) || top.count <= 0) break;
            merge(top.pair, out);
            if (out.merges.size() % 256 == 0) ctx.progress(std::int64_t(out.merges.size()), std::int64_t(total), "train-tokenizer");
        }
        out.vocab = m_vocab;
        return out;
    }

private:
    struct Entry {
        std::int64_t count;
        Pair pair;
        const std::vector<std::string> *vocab;
        // Max-heap: higher count first, then the smaller (left, right) strings.
        bool operator<(const Entry &o) const
        {
            if (count != o.count) return count < o.count;
            const auto &l = (*vocab)[std::size_t(leftOf(pair))], &ol = (*vocab)[std::size_t(leftOf(o.pair))];
            if (l != ol) return l > ol;
            return (*vocab)[std::size_t(rightOf(pair))] > (*vocab)[std::size_t(rightOf(o.pair))];
        }
    };

    std::int32_t addSymbol(const std::string &token)
    {
        const auto id = std::int32_t(m_vocab.size());
        m_vocab.push_back(token);
        m_ids.emplace(token, id);
        return id;
    }

    void push(Pair pair, std::int64_t count) { m_heap.push({count, pair, &m_vocab}); }

    void countPairs(std::size_t wordIndex, int sign, std::unordered_set<Pair> *changed = nullptr)
    {
        const Word &w = m_words[wordIndex];
        for (std::size_t i = 0; i + 1 < w.symbols.size(); ++i) {
            const Pair p = makePair(w.symbols[i], w.symbols[i + 1]);
            m_counts[p] += sign * w.count;
            if (sign > 0) m_where[p].insert(std::int32_t(wordIndex));
            if (changed) changed->insert(p);
        }
    }

    void merge(Pair pair, LearnedBpe &out)
    {
        const std::int32_t a = leftOf(pair), b = rightOf(pair);
        // Two different pairs may spell the same token ("a"+"bc", "ab"+"c"): reuse it.
        const std::string spelled = m_vocab[std::size_t(a)] + m_vocab[std::size_t(b)];
        const auto known = m_ids.find(spelled);
        const std::int32_t merged = known != m_ids.end() ? known->second : addSymbol(spelled);
        out.merges.emplace_back(m_vocab[std::size_t(a)], m_vocab[std::size_t(b)]);
        std::unordered_set<Pair> changed;
        const auto where = m_where[pair]; // copy: counting below adds to m_where
        for (std::int32_t wi : where) {
            Word &w = m_words[std::size_t(wi)];
            countPairs(std::size_t(wi), -1, &changed);
            std::vector<std::int32_t> next;
            next.reserve(w.symbols.size());
            for (std::size_t i = 0; i < w.symbols.size(); ++i) {
                if (i + 1 < w.symbols.size() && w.symbols[i] == a && w.symbols[i + 1] == b) {
                    next.push_back(merged);
                    ++i;
                } else {
                    next.push_back(w.symbols[i]);
                }
            }
            w.symbols = std::move(next);
            countPairs(std::size_t(wi), +1, &changed);
        }
        m_where.erase(pair);
        for (Pair p : changed) {
            const auto it = m_counts.find(p);
            if (it == m_counts.end()) continue;
            if (it->second <= 0) m_counts.erase(it);
            else push(p, it->second);
        }
    }

    std::vector<std::string> m_vocab;
    std::unordered_map<std::string, std::int32_t> m_ids;
    std::vector<Word> m_words;
    std::unordered_map<Pair, std::int64_t> m_counts;
    std::unordered_map<Pair, std::unordered_set<std::int32_t>> m_where; // words that held the pair
    std::priority_queue<Entry> m_heap;
};

} // namespace

LearnedBpe learnBpe(const std::unordered_map<std::string, std::int64_t> &wordCounts, std::size_t targetSize,
                    std::size_t minFrequency, const RunContext &ctx)
{
    Learner learner(wordCounts);
    return learner.run(targetSize, minFrequency, ctx);
}

} // namespace rlrf::model::detail
