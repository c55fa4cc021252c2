// SPDX-License-Identifier: GPL-3.0-or-later
// Pre-tokenizers of tokenizer.json (see pre_tokenizer.h); semantics follow Hugging
// Face tokenizers' pre_tokenizers module and its JavaScript port.
#include "model/tokenizer/pre_tokenizer.h"

#include "core/error.h"
#include "model/tokenizer/byte_level.h"
#include "model/tokenizer/json_fields.h"
#include "model/tokenizer/pcre2_regex.h"

#include <utility>

namespace rlrf::model::detail {

namespace {

using Ranges = std::vector<std::pair<std::size_t, std::size_t>>;

// GPT-2's split pattern, used by ByteLevel when use_regex is true.
const char *const kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

enum class Behavior { Isolated, Removed, MergedWithPrevious, MergedWithNext, Contiguous };

Behavior parseBehavior(const std::string &name, const std::string &file, const std::string &field)
{
    if (name == "Isolated") return Behavior::Isolated;
    if (name == "Removed") return Behavior::Removed;
    if (name == "MergedWithPrevious") return Behavior::MergedWithPrevious;
    if (name == "MergedWithNext") return Behavior::MergedWithNext;
    if (name == "Contiguous") return Behavior::Contiguous;
    throw Error("unsupported split behavior '" + name + "'", {file, 0, field + ".behavior"});
}

// Cuts `text` at the delimiter ranges, treating delimiters as `behavior` says.
void splitAt(const std::string &text, const Ranges &matches, bool invert, Behavior behavior,
             std::vector<std::string> &out)
{
    struct Segment { std::size_t begin, end; bool delimiter; };
    std::vector<Segment> segments;
    std::size_t last = 0;
    for (const auto &[b, e] : matches) {
        if (b > last) segments.push_back({last, b, invert});
        segments.push_back({b, e, !invert});
        last = e;
    }
    if (last < text.size()) segments.push_back({last, text.size(), invert});

    const std::size_t firstOut = out.size();
    bool pendingNext = false; // MergedWithNext: the last piece waits for its follower
    bool previousWasDelimiter = false;
    for (const Segment &s : segments) {
        std::string piece = text.substr(s.begin, s.end - s.begin);
        switch (behavior) {
        case Behavior::Removed:
            if (!s.delimiter) out.push_back(std::move(piece));
            break;
        case Behavior::Isolated:
            out.push_back(std::move(piece));
            break;
        case Behavior::Contiguous:
            if (s.delimiter && previousWasDelimiter && out.size() > firstOut) out.back() += piece;
            else out.push_back(std::move(piece));
            break;
        case Behavior::MergedWithPrevious:
            if (s.delimiter && out.size() > firstOut) out.back() += piece;
            else out.push_back(std::move(piece));
            break;
        case Behavior::MergedWithNext:
            if (pendingNext) out.back() += piece;
            else out.push_back(std::move(piece));
            pendingNext = s.delimiter;
            break;
        }
        previousWasDelimiter = s.delimiter;
    }
}

class SplitPreTokenizer final : public PreTokenizer {
public:
    SplitPreTokenizer(const nlohmann::json &spec, const std::string &file, const std::string &field)
        : m_pattern(patternField(spec, file, field))
        , m_invert(boolField(spec, "invert", false, file, field))
        , m_behavior(parseBehavior(stringField(spec, "behavior", file, field), file, field))
    {
        if (m_pattern.isRegex)
            m_regex = std::make_unique<Pcre2Regex>(m_pattern.text, file, field + ".pattern");
        else if (m_pattern.text.empty())
            throw Error("empty split pattern", {file, 0, field + ".pattern"});
    }

    void apply(std::vector<std::string> &pieces, std::size_t) const override
    {
        std::vector<std::string> out;
        out.reserve(pieces.size() * 4);
        for (const std::string &piece : pieces)
            splitAt(piece, matches(piece), m_invert, m_behavior, out);
        pieces = std::move(out);
    }

private:
    Ranges matches(const std::string &text) const
    {
        if (m_regex) return m_regex->findAll(text);
        Ranges found;
        for (auto pos = text.find(m_pattern.text); pos != std::string::npos;
             pos = text.find(m_pattern.text, pos + m_pattern.text.size()))
            found.emplace_back(pos, pos + m_pattern.text.size());
        return found;
    }

    Pattern m_pattern;
    bool m_invert;
    Behavior m_behavior;
    std::unique_ptr<Pcre2Regex> m_regex;
};

// Optionally splits with GPT-2's pattern, then maps every byte to its stand-in.
class ByteLevelPreTokenizer final : public PreTokenizer {
public:
    ByteLevelPreTokenizer(const nlohmann::json &spec, const std::string &file, const std::string &field)
        : m_addPrefixSpace(boolField(spec, "add_prefix_space", false, file, field))
    {
        if (boolField(spec, "use_regex", true, file, field))
            m_regex = std::make_unique<Pcre2Regex>(kGpt2Pattern, file, field);
    }

    void apply(std::vector<std::string> &pieces, std::size_t) const override
    {
        std::vector<std::string> out;
        out.reserve(pieces.size() * (m_regex ? 4 : 1));
        for (std::string &piece : pieces) {
            if (m_addPrefixSpace && (piece.empty() || piece[0] != ' '))
                piece.insert(piece.begin(), ' ');
            if (!m_regex) {
                out.emplace_back();
                appendByteLevel(out.back(), piece);
                continue;
            }
            for (const auto &[b, e] : m_regex->findAll(piece)) {
                out.emplace_back();
                appendByteLevel(out.back(), std::string_view(piece).substr(b, e - b));
            }
        }
        pieces = std::move(out);
    }

private:
    bool m_addPrefixSpace;
    std::unique_ptr<Pcre2Regex> m_regex;
};

// Spaces become the replacement character ("▁"), which may also be prepended.
class MetaspacePreTokenizer final : public PreTokenizer {
public:
    MetaspacePreTokenizer(const nlohmann::json &spec, const std::string &file, const std::string &field)
    {
        m_replacement = spec.contains("replacement") ? stringField(spec, "replacement", file, field) : "\xE2\x96\x81";
        if (spec.contains("prepend_scheme") && spec["prepend_scheme"].is_string())
            m_scheme = spec["prepend_scheme"].get<std::string>();
        else
            m_scheme = boolField(spec, "add_prefix_space", true, file, field) ? "always" : "never";
        if (m_scheme != "always" && m_scheme != "first" && m_scheme != "never")
            throw Error("unsupported prepend_scheme '" + m_scheme + "'", {file, 0, field + ".prepend_scheme"});
        m_split = boolField(spec, "split", true, file, field);
    }

    void apply(std::vector<std::string> &pieces, std::size_t sectionIndex) const override
    {
        std::vector<std::string> out;
        for (std::size_t i = 0; i < pieces.size(); ++i) {
            std::string text;
            for (char c : pieces[i]) {
                if (c == ' ') text += m_replacement;
                else text.push_back(c);
            }
            const bool prepend = m_scheme == "always" || (m_scheme == "first" && sectionIndex == 0 && i == 0);
            if (prepend && text.compare(0, m_replacement.size(), m_replacement) != 0)
                text.insert(0, m_replacement);
            if (!m_split) {
                out.push_back(std::move(text));
                continue;
            }
            // Each word keeps its leading replacement character (MergedWithNext).
            std::size_t start = 0;
            for (auto pos = text.find(m_replacement, 1); pos != std::string::npos;
                 pos = text.find(m_replacement, pos + m_replacement.size())) {
                out.push_back(text.substr(start, pos - start));
                start = pos;
            }
            if (start < text.size()) out.push_back(text.substr(start));
        }
        pieces = std::move(out);
    }

private:
    std::string m_replacement;
    std::string m_scheme;
    bool m_split = true;
};

// Digits apart from the rest: each digit alone, or runs of digits.
class DigitsPreTokenizer final : public PreTokenizer {
public:
    DigitsPreTokenizer(const nlohmann::json &spec, const std::string &file, const std::string &field)
        : m_individual(boolField(spec, "individual_digits", false, file, field))
    {
    }

    void apply(std::vector<std::string> &pieces, std::size_t) const override
    {
        std::vector<std::string> out;
        for (const std::string &piece : pieces) {
            std::size_t i = 0;
            while (i < piece.size()) {
                const bool digit = piece[i] >= '0' && piece[i] <= '9';
                std::size_t j = i + 1;
                if (!digit || !m_individual)
                    while (j < piece.size() && (piece[j] >= '0' && piece[j] <= '9') == digit) ++j;
                out.push_back(piece.substr(i, j - i));
                i = j;
            }
        }
        pieces = std::move(out);
    }

private:
    bool m_individual;
};

class SequencePreTokenizer final : public PreTokenizer {
public:
    explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> steps) : m_steps(std::move(steps)) {}
    void apply(std::vector<std::string> &pieces, std::size_t sectionIndex) const override
    {
        for (const auto &step : m_steps)
            step->apply(pieces, sectionIndex);
    }

private:
    std::vector<std::unique_ptr<PreTokenizer>> m_steps;
};

} // namespace

std::unique_ptr<PreTokenizer> makePreTokenizer(const nlohmann::json &spec, const std::string &file,
                                               const std::string &field)
{
    if (spec.is_null())
        return nullptr;
    const std::string type = typeOf(spec, file, field);
    if (type == "Split") return std::make_unique<SplitPreTokenizer>(spec, file, field);
    if (type == "ByteLevel") return std::make_unique<ByteLevelPreTokenizer>(spec, file, field);
    if (type == "Metaspace") return std::make_unique<MetaspacePreTokenizer>(spec, file, field);
    if (type == "Digits") return std::make_unique<DigitsPreTokenizer>(spec, file, field);
    if (type == "Sequence") {
        const auto &list = arrayField(spec, "pretokenizers", file, field);
        std::vector<std::unique_ptr<PreTokenizer>> steps;
        for (std::size_t i = 0; i < list.size(); ++i)
            if (auto step = makePreTokenizer(list[i], file, field + ".pretokenizers[" + std::to_string(i) + "]"))
                steps.push_back(std::move(step));
        return std::make_unique<SequencePreTokenizer>(std::move(steps));
    }
    throw Error("unsupported pre_tokenizer type '" + type
                    + "' (supported: Split, ByteLevel, Metaspace, Digits, Sequence)",
                {file, 0, field});
}

} // namespace rlrf::model::detail
