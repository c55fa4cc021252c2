// SPDX-License-Identifier: GPL-3.0-or-later
// The tokenizer pipeline of Hugging Face tokenizers for one input text:
// added tokens -> normalizer -> added tokens (normalized) -> pre-tokenizer -> BPE
// -> post-processor; and back: ids -> tokens -> decoder. Decoding never applies
// transformers' clean_up_tokenization_spaces (" ," -> ","): the Python references
// for GPT-2 (whose config sets it) show it off, and text should round-trip.
#include "model/tokenizer.h"

#include "core/error.h"
#include "model/tokenizer/tokenizer_impl.h"
#include "model/tokenizer/utf8.h"

#include <fstream>

namespace rlrf::model {

namespace {

void encodeSection(const Tokenizer::Impl &impl, const std::string &section, std::size_t sectionIndex,
                   std::vector<std::int32_t> &ids)
{
    const std::string normalized = impl.normalizer ? impl.normalizer->normalize(section) : section;
    if (normalized.empty()) return;
    for (const detail::TextSection &sub : impl.normalizedSplitter.split(normalized)) {
        if (sub.token) {
            ids.push_back(sub.token->id);
            continue;
        }
        if (sub.text.empty()) continue;
        std::vector<std::string> words{sub.text};
        if (impl.preTokenizer) impl.preTokenizer->apply(words, sectionIndex);
        for (const std::string &word : words)
            impl.model->encodeWord(word, ids);
    }
}

} // namespace

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Tokenizer::Tokenizer(Tokenizer &&) noexcept = default;
Tokenizer &Tokenizer::operator=(Tokenizer &&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Tokenizer Tokenizer::fromFiles(const std::string &tokenizerJson, const std::string &tokenizerConfigJson)
{
    auto impl = std::make_unique<Impl>();
    detail::loadTokenizer(*impl, tokenizerJson, tokenizerConfigJson);
    return Tokenizer(std::move(impl));
}

Tokenizer Tokenizer::fromModelDir(const std::string &dir)
{
    const std::string json = dir + "/tokenizer.json";
    if (!std::ifstream(json))
        throw Error("no tokenizer.json in the model folder", {dir, 0, {}});
    const std::string config = dir + "/tokenizer_config.json";
    return fromFiles(json, std::ifstream(config) ? config : std::string());
}

std::vector<std::int32_t> Tokenizer::encode(const std::string &text, bool addSpecialTokens) const
{
    if (!detail::isValidUtf8(text))
        throw Error("the text to encode is not valid UTF-8");
    std::vector<std::int32_t> ids;
    ids.reserve(text.size() / 3 + 4);
    const auto sections = m_impl->rawSplitter.split(text);
    for (std::size_t i = 0; i < sections.size(); ++i) {
        if (sections[i].token) ids.push_back(sections[i].token->id);
        else if (!sections[i].text.empty()) encodeSection(*m_impl, sections[i].text, i, ids);
    }
    if (addSpecialTokens && m_impl->postProcessor)
        m_impl->postProcessor->apply(ids);
    return ids;
}

std::string Tokenizer::decode(const std::vector<std::int32_t> &ids, bool skipSpecialTokens) const
{
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (std::int32_t id : ids) {
        const std::string *token = m_impl->model->idToToken(id);
        if (!token)
            throw Error("token id " + std::to_string(id) + " is not in the vocabulary (size "
                        + std::to_string(vocabSize()) + ")", {m_impl->path, 0, {}});
        if (skipSpecialTokens && m_impl->specialIds.count(id)) continue;
        tokens.push_back(*token);
    }
    std::string text;
    if (m_impl->decoder) {
        m_impl->decoder->decodeChain(tokens);
        for (const std::string &t : tokens) text += t;
    } else {
        for (std::size_t i = 0; i < tokens.size(); ++i) text += (i ? " " : "") + tokens[i];
    }
    return text;
}

std::optional<std::int32_t> Tokenizer::tokenToId(const std::string &token) const
{
    return m_impl->model->tokenToId(token);
}

std::optional<std::string> Tokenizer::idToToken(std::int32_t id) const
{
    const std::string *token = m_impl->model->idToToken(id);
    return token ? std::optional<std::string>(*token) : std::nullopt;
}

std::size_t Tokenizer::vocabSize() const { return m_impl->model->vocabSize(); }
const std::vector<AddedToken> &Tokenizer::addedTokens() const { return m_impl->addedTokens; }
std::optional<std::int32_t> Tokenizer::bosId() const { return m_impl->bos; }
std::optional<std::int32_t> Tokenizer::eosId() const { return m_impl->eos; }
std::optional<std::int32_t> Tokenizer::padId() const { return m_impl->pad; }
std::optional<std::int32_t> Tokenizer::unkId() const { return m_impl->unk; }
const std::string &Tokenizer::path() const { return m_impl->path; }

} // namespace rlrf::model
