// SPDX-License-Identifier: GPL-3.0-or-later
// Normalizers of tokenizer.json (see normalizer.h); semantics follow Hugging Face
// tokenizers' normalizers module.
#include "model/tokenizer/normalizer.h"

#include "core/error.h"
#include "model/tokenizer/json_fields.h"
#include "model/tokenizer/pcre2_regex.h"
#include "model/tokenizer/unicode_nfc.h"

#include <vector>

namespace rlrf::model::detail {

namespace {

class NfcNormalizer final : public Normalizer {
public:
    std::string normalize(std::string_view text) const override { return toNfc(text); }
};

// Prepends a string to any non-empty text (Llama 2 prepends "▁").
class PrependNormalizer final : public Normalizer {
public:
    explicit PrependNormalizer(std::string prefix) : m_prefix(std::move(prefix)) {}
    std::string normalize(std::string_view text) const override
    {
        return text.empty() ? std::string() : m_prefix + std::string(text);
    }

private:
    std::string m_prefix;
};

class ReplaceNormalizer final : public Normalizer {
public:
    ReplaceNormalizer(Pattern pattern, std::string content, const std::string &file, const std::string &field)
        : m_pattern(std::move(pattern)), m_content(std::move(content))
    {
        if (m_pattern.isRegex)
            m_regex = std::make_unique<Pcre2Regex>(m_pattern.text, file, field + ".pattern");
        else if (m_pattern.text.empty())
            throw Error("empty replace pattern", {file, 0, field + ".pattern"});
    }

    std::string normalize(std::string_view text) const override
    {
        std::string out;
        out.reserve(text.size() + text.size() / 4);
        std::size_t last = 0;
        for (const auto &[begin, end] : matches(text)) {
            out.append(text.substr(last, begin - last));
            out += m_content;
            last = end;
        }
        out.append(text.substr(last));
        return out;
    }

private:
    std::vector<std::pair<std::size_t, std::size_t>> matches(std::string_view text) const
    {
        if (m_regex)
            return m_regex->findAll(text);
        std::vector<std::pair<std::size_t, std::size_t>> found;
        for (std::size_t pos = text.find(m_pattern.text); pos != std::string_view::npos;
             pos = text.find(m_pattern.text, pos + m_pattern.text.size()))
            found.emplace_back(pos, pos + m_pattern.text.size());
        return found;
    }

    Pattern m_pattern;
    std::string m_content;
    std::unique_ptr<Pcre2Regex> m_regex;
};

class SequenceNormalizer final : public Normalizer {
public:
    explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> steps) : m_steps(std::move(steps)) {}
    std::string normalize(std::string_view text) const override
    {
        std::string current(text);
        for (const auto &step : m_steps)
            current = step->normalize(current);
        return current;
    }

private:
    std::vector<std::unique_ptr<Normalizer>> m_steps;
};

} // namespace

std::unique_ptr<Normalizer> makeNormalizer(const nlohmann::json &spec, const std::string &file,
                                           const std::string &field)
{
    if (spec.is_null())
        return nullptr;
    const std::string type = typeOf(spec, file, field);
    if (type == "NFC")
        return std::make_unique<NfcNormalizer>();
    if (type == "Prepend")
        return std::make_unique<PrependNormalizer>(stringField(spec, "prepend", file, field));
    if (type == "Replace")
        return std::make_unique<ReplaceNormalizer>(patternField(spec, file, field),
                                                   stringField(spec, "content", file, field), file, field);
    if (type == "Sequence") {
        const auto &list = arrayField(spec, "normalizers", file, field);
        std::vector<std::unique_ptr<Normalizer>> steps;
        for (std::size_t i = 0; i < list.size(); ++i) {
            auto step = makeNormalizer(list[i], file, field + ".normalizers[" + std::to_string(i) + "]");
            if (step)
                steps.push_back(std::move(step));
        }
        return std::make_unique<SequenceNormalizer>(std::move(steps));
    }
    throw Error("unsupported normalizer type '" + type + "' (supported: NFC, Prepend, Replace, Sequence)",
                {file, 0, field});
}

} // namespace rlrf::model::detail
