// SPDX-License-Identifier: GPL-3.0-or-later
// The "normalizer" section of tokenizer.json: NFC (Qwen), Prepend + Replace
// (Llama 2, Mistral), Sequence of those. Other types are refused by name.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace rlrf::model::detail {

class Normalizer {
public:
    virtual ~Normalizer() = default;
    virtual std::string normalize(std::string_view text) const = 0;
};

// nullptr for a JSON null. Throws rlrf::Error naming the file, the field and an
// unsupported type.
std::unique_ptr<Normalizer> makeNormalizer(const nlohmann::json &spec, const std::string &file,
                                           const std::string &field = "normalizer");

} // namespace rlrf::model::detail
