// SPDX-License-Identifier: GPL-3.0-or-later
// Tokenizers of Hugging Face models, read from tokenizer.json (+ tokenizer_config.json):
// byte-level BPE (GPT-2, Qwen2/2.5/3, Llama 3, SmolLM) and SentencePiece-style BPE
// with byte fallback (Llama 2, Mistral). Torch-free: the GUI and the CLI use this header.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rlrf::model {

/// A token matched in the text before pre-tokenization ("<|im_start|>", "<s>", ...).
struct AddedToken {
    std::int32_t id = -1;
    std::string content;
    bool special = false; ///< skipped by decode(ids, true)
};

/// An immutable tokenizer. Loading may take a second for large vocabularies; after
/// that every method is const and may be called from any thread concurrently.
class Tokenizer {
public:
    /// Reads `tokenizerJson` and, when `tokenizerConfigJson` is not empty, the
    /// bos/eos/pad/unk token strings and added tokens from it. Throws
    /// rlrf::Error naming the file and line (malformed JSON) or the file, the field
    /// and the unsupported type (model, normalizer, pre_tokenizer, decoder, ...).
    static Tokenizer fromFiles(const std::string &tokenizerJson, const std::string &tokenizerConfigJson = {});
    /// A model folder: DIR/tokenizer.json, and DIR/tokenizer_config.json if present.
    static Tokenizer fromModelDir(const std::string &dir);

    Tokenizer(Tokenizer &&) noexcept;
    Tokenizer &operator=(Tokenizer &&) noexcept;
    ~Tokenizer();

    /// Token ids of UTF-8 `text`. With `addSpecialTokens` the post-processor's
    /// template is applied (e.g. Llama's leading <s>). Throws rlrf::Error if `text`
    /// is not valid UTF-8.
    std::vector<std::int32_t> encode(const std::string &text, bool addSpecialTokens = false) const;
    /// UTF-8 text of `ids`; bytes that do not form UTF-8 become U+FFFD. Throws
    /// rlrf::Error for an id outside the vocabulary.
    std::string decode(const std::vector<std::int32_t> &ids, bool skipSpecialTokens = false) const;

    std::optional<std::int32_t> tokenToId(const std::string &token) const;
    std::optional<std::string> idToToken(std::int32_t id) const;
    /// Highest id + 1, added tokens included.
    std::size_t vocabSize() const;
    const std::vector<AddedToken> &addedTokens() const;

    std::optional<std::int32_t> bosId() const;
    std::optional<std::int32_t> eosId() const;
    std::optional<std::int32_t> padId() const;
    std::optional<std::int32_t> unkId() const;

    /// The tokenizer.json this was read from.
    const std::string &path() const;

    struct Impl;

private:
    explicit Tokenizer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace rlrf::model
