// A model's chat template: loads the Jinja `chat_template` of a Hugging Face model
// folder and renders conversations with it exactly as transformers'
// apply_chat_template(tokenize=False) does, with no per-model special cases.
// Torch-free facade: the GUI and the CLI use it directly.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace rlrf::model {

class ChatTemplate {
public:
    // From a model folder. chat_template.jinja wins; otherwise "chat_template" in
    // tokenizer_config.json: a string, or a list of {"name", "template"} of which
    // `name` (default: "default") is used; with no `name`, a "tool_use" entry
    // renders conversations given tools, as in transformers. Special tokens (bos_token, eos_token,
    // pad_token, ... as strings or {"content": ...}) come from tokenizer_config.json.
    // Throws rlrf::Error naming the file when there is no template or it is malformed.
    static ChatTemplate load(const std::string &modelDir, const std::string &name = {});

    // From template text; `sourceName` is what errors call it. `specialTokens` is a
    // tokenizer_config.json-like object ({"bos_token": "<s>", ...}).
    static ChatTemplate fromSource(const std::string &source, const std::string &sourceName,
                                   const nlohmann::ordered_json &specialTokens = nlohmann::ordered_json::object());

    // `messages`: a JSON array of {"role", "content", ...}. `extra`: further
    // variables (tools, documents, enable_thinking, ...). As in transformers,
    // `tools` and `documents` are none unless given. Throws rlrf::Error on bad
    // messages and on template errors, raise_exception(...) included.
    std::string render(const nlohmann::ordered_json &messages, bool addGenerationPrompt,
                       const nlohmann::ordered_json &extra = nlohmann::ordered_json::object()) const;

    const std::string &source() const;
    const std::string &sourceName() const;
    // The special-token variables the template sees, e.g. {"eos_token": "<|im_end|>"}.
    const nlohmann::ordered_json &specialTokens() const;

private:
    struct Impl;
    explicit ChatTemplate(std::shared_ptr<const Impl> impl);
    std::shared_ptr<const Impl> m_impl;
};

// Writes the template into a model folder both ways transformers reads it:
// tokenizer_config.json's "chat_template" (other keys kept; the file is created if
// absent) and chat_template.jinja. Each file is replaced atomically.
void saveChatTemplate(const std::string &modelDir, const std::string &source);

} // namespace rlrf::model
