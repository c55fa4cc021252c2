// SPDX-License-Identifier: GPL-3.0-or-later
// Added and special tokens ("<|im_start|>", "<s>", ...) are found in the text
// before normalization and pre-tokenization, so a special-token string inside the
// input becomes that one token. Leftmost-longest matching, as Hugging Face does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rlrf::model::detail {

struct AddedTokenSpec {
    std::int32_t id = -1;
    std::string content;
    bool special = false;
    bool lstrip = false;     // eats whitespace on its left
    bool rstrip = false;     // eats whitespace on its right
    bool singleWord = false; // only as a whole word
    bool normalized = false; // matched in the normalized text
};

struct TextSection {
    std::string text;
    const AddedTokenSpec *token = nullptr; // set when the section is an added token
};

class AddedTokenSplitter {
public:
    // `patterns[i]` is what to look for (the content, or its normalized form) for
    // `tokens[i]`; the tokens must outlive the splitter.
    void add(std::string pattern, const AddedTokenSpec *token);

    std::vector<TextSection> split(std::string_view text) const;
    bool empty() const { return m_count == 0; }

private:
    struct Entry { std::string pattern; const AddedTokenSpec *token; };
    std::vector<Entry> m_byFirstByte[256]; // longest first
    std::size_t m_count = 0;
};

} // namespace rlrf::model::detail
