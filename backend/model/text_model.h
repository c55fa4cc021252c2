// A model folder as people use it: the decoder (Policy), its tokenizer and its chat
// template together, speaking text. The CLI's generate/score/info, the local
// language-model judge and the pipeline's sampling go through this. Torch-free.
#pragma once

#include "model/chat_template.h"
#include "model/policy.h"
#include "model/tokenizer.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rlrf::model {

struct TextSample {
    std::size_t promptIndex = 0;
    std::vector<std::int64_t> ids; // generated ids only (the EOS id included when it ended the text)
    std::string text;              // decoded without special tokens
    FinishReason reason = FinishReason::Length;
};

class TextModel {
public:
    // config.json + safetensors + tokenizer.json (required) + chat template (optional).
    static TextModel load(const std::string &folder, const PolicyOptions &options = {});
    // The tokenizer and chat template of `folder` around a decoder already in
    // memory: a model just trained and saved there, kept instead of read back.
    // Gives what load(folder) gives when `policy` holds the weights saved in
    // `folder`, in the dtype load would choose. Same errors as load.
    static TextModel withPolicy(const std::string &folder, Policy policy);

    const std::string &folder() const;
    const Policy &policy() const;
    const Tokenizer &tokenizer() const;
    bool hasChatTemplate() const;
    const ChatTemplate &chatTemplate() const; // throws rlrf::Error when the model has none

    // Prompt ids for generation or scoring. Plain text goes through the tokenizer's
    // post-processor (a Llama BOS, say); an empty plain prompt starts from BOS. With
    // `chat`, the text is one user message rendered by the chat template with the
    // generation prompt.
    std::vector<std::int64_t> promptIds(const std::string &text, bool chat) const;
    std::vector<std::int64_t> conversationIds(const nlohmann::ordered_json &messages, bool addGenerationPrompt) const;
    std::vector<std::int64_t> encode(const std::string &text) const; // no special tokens
    std::string decode(const std::vector<std::int64_t> &ids, bool skipSpecialTokens = true) const;

    // The config's EOS ids, plus the tokenizer's EOS and the chat template's
    // end-of-turn token when they are single tokens.
    std::vector<std::int64_t> stopIds() const;
    // The id that ends a trained completion: the first of stopIds(). Throws an
    // rlrf::Error naming the folder when the model has none.
    std::int64_t endOfTextId() const;

    // Generates for several prompts; eosIds in `options` are filled from stopIds()
    // when empty, and stop strings are matched on the decoded text (and cut off).
    std::vector<TextSample> generate(const std::vector<std::vector<std::int64_t>> &prompts, GenerationOptions options,
                                     const CancelToken *cancel = nullptr) const;

    // Writes a Hugging Face folder: the decoder's files, the tokenizer files, and
    // the chat template both in tokenizer_config.json and as chat_template.jinja.
    void save(const std::string &folder) const;

private:
    struct State;
    std::shared_ptr<const State> m_state;
};

} // namespace rlrf::model
