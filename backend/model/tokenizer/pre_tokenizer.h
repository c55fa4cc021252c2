// SPDX-License-Identifier: GPL-3.0-or-later
// The "pre_tokenizer" section of tokenizer.json: it cuts a normalized section of
// text into words that BPE then encodes one at a time. Split (a PCRE2 regex or a
// literal), ByteLevel, Metaspace, Digits and Sequence; other types are refused by name.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace rlrf::model::detail {

class PreTokenizer {
public:
    virtual ~PreTokenizer() = default;
    // Replaces each piece by the pieces it splits into. `sectionIndex` counts the
    // sections of the input between added tokens (Metaspace's "first" scheme uses it).
    virtual void apply(std::vector<std::string> &pieces, std::size_t sectionIndex) const = 0;
};

// nullptr for a JSON null.
std::unique_ptr<PreTokenizer> makePreTokenizer(const nlohmann::json &spec, const std::string &file,
                                               const std::string &field = "pre_tokenizer");

} // namespace rlrf::model::detail
