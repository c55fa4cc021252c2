// SPDX-License-Identifier: GPL-3.0-or-later
// The "decoder" section of tokenizer.json: turns token strings back into text.
// ByteLevel (GPT-2, Qwen, Llama 3), Metaspace, and the Sequence of Replace,
// ByteFallback, Fuse and Strip that Llama 2 and Mistral use.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

namespace rlrf::model::detail {

class TokenDecoder {
public:
    virtual ~TokenDecoder() = default;
    // Rewrites the list of token strings (Hugging Face's decode_chain).
    virtual void decodeChain(std::vector<std::string> &tokens) const = 0;
};

// nullptr for a JSON null. `addedTokens`: contents that ByteLevel passes through
// unchanged (the reference implementations do so); it must outlive the decoder.
std::unique_ptr<TokenDecoder> makeTokenDecoder(const nlohmann::json &spec, const std::string &file,
                                               const std::unordered_set<std::string> &addedTokens,
                                               const std::string &field = "decoder");

} // namespace rlrf::model::detail
