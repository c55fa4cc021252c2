// SPDX-License-Identifier: GPL-3.0-or-later
// Decoders of tokenizer.json (see token_decoder.h); semantics follow Hugging Face
// tokenizers' decoders module and its JavaScript port.
#include "model/tokenizer/token_decoder.h"

#include "core/error.h"
#include "model/tokenizer/byte_level.h"
#include "model/tokenizer/json_fields.h"
#include "model/tokenizer/utf8.h"

namespace rlrf::model::detail {

namespace {

// Byte stand-ins back to bytes; runs of ordinary tokens are joined first so that
// a character split over several tokens decodes whole.
class ByteLevelDecoder final : public TokenDecoder {
public:
    explicit ByteLevelDecoder(const std::unordered_set<std::string> &added) : m_added(added) {}

    void decodeChain(std::vector<std::string> &tokens) const override
    {
        std::vector<std::string> out;
        std::string bytes;
        auto flush = [&] {
            if (!bytes.empty()) out.push_back(toValidUtf8(bytes));
            bytes.clear();
        };
        for (const std::string &token : tokens) {
            if (m_added.count(token)) {
                flush();
                out.push_back(token);
                continue;
            }
            for (std::size_t pos = 0; pos < token.size();) {
                const char32_t cp = decodeUtf8(token, pos);
                const int b = unicodeToByte(cp);
                if (b >= 0) bytes.push_back(static_cast<char>(b));
                else appendUtf8(bytes, cp); // not a stand-in: keep as text
            }
        }
        flush();
        tokens = std::move(out);
    }

private:
    const std::unordered_set<std::string> &m_added;
};

class ReplaceDecoder final : public TokenDecoder {
public:
    ReplaceDecoder(std::string from, std::string to) : m_from(std::move(from)), m_to(std::move(to)) {}
    void decodeChain(std::vector<std::string> &tokens) const override
    {
        for (std::string &t : tokens) {
            std::string out;
            std::size_t last = 0;
            for (auto pos = t.find(m_from); pos != std::string::npos; pos = t.find(m_from, last)) {
                out.append(t, last, pos - last);
                out += m_to;
                last = pos + m_from.size();
            }
            out.append(t, last);
            t = std::move(out);
        }
    }

private:
    std::string m_from, m_to;
};

// <0xNN> tokens become bytes; consecutive ones decode together.
class ByteFallbackDecoder final : public TokenDecoder {
public:
    void decodeChain(std::vector<std::string> &tokens) const override
    {
        std::vector<std::string> out;
        std::string bytes;
        for (const std::string &t : tokens) {
            if (t.size() == 6 && t.compare(0, 3, "<0x") == 0 && t[5] == '>' && isHex(t[3]) && isHex(t[4])) {
                bytes.push_back(static_cast<char>(std::stoi(t.substr(3, 2), nullptr, 16)));
                continue;
            }
            if (!bytes.empty()) out.push_back(toValidUtf8(bytes));
            bytes.clear();
            out.push_back(t);
        }
        if (!bytes.empty()) out.push_back(toValidUtf8(bytes));
        tokens = std::move(out);
    }

private:
    static bool isHex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }
};

class FuseDecoder final : public TokenDecoder {
public:
    void decodeChain(std::vector<std::string> &tokens) const override
    {
        std::string all;
        for (const std::string &t : tokens) all += t;
        tokens.assign(1, std::move(all));
    }
};

// Removes up to `start` leading and `stop` trailing copies of one character per token.
class StripDecoder final : public TokenDecoder {
public:
    StripDecoder(std::string content, std::size_t start, std::size_t stop)
        : m_content(std::move(content)), m_start(start), m_stop(stop) {}
    void decodeChain(std::vector<std::string> &tokens) const override
    {
        const std::size_t n = m_content.size();
        for (std::string &t : tokens) {
            std::size_t begin = 0, end = t.size();
            for (std::size_t i = 0; i < m_start && end - begin >= n && t.compare(begin, n, m_content) == 0; ++i)
                begin += n;
            for (std::size_t i = 0; i < m_stop && end - begin >= n && t.compare(end - n, n, m_content) == 0; ++i)
                end -= n;
            t = t.substr(begin, end - begin);
        }
    }

private:
    std::string m_content;
    std::size_t m_start, m_stop;
};

class MetaspaceDecoder final : public TokenDecoder {
public:
    MetaspaceDecoder(std::string replacement, bool stripFirst)
        : m_replace(std::move(replacement), " "), m_stripFirst(stripFirst) {}
    void decodeChain(std::vector<std::string> &tokens) const override
    {
        m_replace.decodeChain(tokens);
        if (m_stripFirst && !tokens.empty() && !tokens[0].empty() && tokens[0][0] == ' ')
            tokens[0].erase(0, 1);
    }

private:
    ReplaceDecoder m_replace;
    bool m_stripFirst;
};

class SequenceDecoder final : public TokenDecoder {
public:
    explicit SequenceDecoder(std::vector<std::unique_ptr<TokenDecoder>> steps) : m_steps(std::move(steps)) {}
    void decodeChain(std::vector<std::string> &tokens) const override
    {
        for (const auto &step : m_steps) step->decodeChain(tokens);
    }

private:
    std::vector<std::unique_ptr<TokenDecoder>> m_steps;
};

std::size_t countField(const nlohmann::json &spec, const char *key, const std::string &file, const std::string &field)
{
    const auto it = spec.find(key);
    if (it == spec.end() || it->is_null()) return 0;
    if (!it->is_number_unsigned()) throw Error(std::string("not a count: '") + key + "'", {file, 0, field});
    return it->get<std::size_t>();
}

} // namespace

std::unique_ptr<TokenDecoder> makeTokenDecoder(const nlohmann::json &spec, const std::string &file,
                                               const std::unordered_set<std::string> &addedTokens,
                                               const std::string &field)
{
    if (spec.is_null()) return nullptr;
    const std::string type = typeOf(spec, file, field);
    if (type == "ByteLevel") return std::make_unique<ByteLevelDecoder>(addedTokens);
    if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
    if (type == "Fuse") return std::make_unique<FuseDecoder>();
    if (type == "Replace") {
        const Pattern p = patternField(spec, file, field);
        if (p.isRegex) throw Error("unsupported Replace decoder with a regex pattern", {file, 0, field});
        return std::make_unique<ReplaceDecoder>(p.text, stringField(spec, "content", file, field));
    }
    if (type == "Strip")
        return std::make_unique<StripDecoder>(stringField(spec, "content", file, field),
                                              countField(spec, "start", file, field),
                                              countField(spec, "stop", file, field));
    if (type == "Metaspace") {
        const std::string replacement = spec.contains("replacement") ? stringField(spec, "replacement", file, field)
                                                                     : "\xE2\x96\x81";
        const bool never = spec.value("prepend_scheme", std::string()) == "never"
                           || (spec.contains("add_prefix_space") && spec["add_prefix_space"] == false);
        return std::make_unique<MetaspaceDecoder>(replacement, !never);
    }
    if (type == "Sequence") {
        const auto &list = arrayField(spec, "decoders", file, field);
        std::vector<std::unique_ptr<TokenDecoder>> steps;
        for (std::size_t i = 0; i < list.size(); ++i)
            if (auto step = makeTokenDecoder(list[i], file, addedTokens, field + ".decoders[" + std::to_string(i) + "]"))
                steps.push_back(std::move(step));
        return std::make_unique<SequenceDecoder>(std::move(steps));
    }
    throw Error("unsupported decoder type '" + type
                    + "' (supported: ByteLevel, ByteFallback, Fuse, Replace, Strip, Metaspace, Sequence)",
                {file, 0, field});
}

} // namespace rlrf::model::detail
