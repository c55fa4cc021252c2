// Turns the lexer's tokens into a syntax tree. Unknown filters and tests are
// reported here, at load time, as Jinja2 does.
#pragma once

#include "model/jinja/ast.h"
#include "model/jinja/lexer.h"

#include <string>
#include <vector>

namespace rlrf::jinja {

// Throws rlrf::Error "SOURCE:LINE: template syntax error: ..." on malformed input.
NodeList parse(const std::vector<Token> &tokens, const std::string &sourceName);

} // namespace rlrf::jinja
