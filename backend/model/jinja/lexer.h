// Splits a template into text and tag tokens, applying whitespace control the way
// transformers configures Jinja2: trim_blocks and lstrip_blocks on, `-` strips all
// whitespace beside a tag, `+` turns the block options off for one tag, and one
// trailing newline of the template is dropped (keep_trailing_newline off).
#pragma once

#include <string>
#include <vector>

namespace rlrf::jinja {

struct Token {
    enum class Kind {
        Text,        // literal output
        BlockBegin,  // {%
        BlockEnd,    // %}
        VarBegin,    // {{
        VarEnd,      // }}
        Name,
        String,
        Integer,
        Float,
        Operator,    // + - * / // % ** ~ == != < <= > >= = ( ) [ ] { } , . : |
        End,
    };
    Kind kind;
    std::string text; // text, name, operator, string contents (unescaped) or number
    int line;         // 1-based line in the template source
};

// Throws rlrf::Error naming `sourceName` and the line on a malformed tag.
std::vector<Token> tokenize(const std::string &source, const std::string &sourceName);

} // namespace rlrf::jinja
