// SPDX-License-Identifier: GPL-3.0-or-later
// A function call as a model writes it, read into a name and JSON arguments, for
// the BFCL exact-match verifier. Reads text; never runs it.
//
// Accepted forms (surrounding spaces and one ``` code fence are ignored):
//   JSON   {"name": "f", "arguments": {...}}   ("arguments" may be a string that
//          holds the JSON object, as OpenAI-style APIs send it)
//          {"f": {...}}                         (the shape of BFCL's answers)
//          either of these as the only element of a JSON list
//   Python f(a=1, b='x', c=[1.5, True, None], d={'k': 'v'})  optionally in [ ]:
//          keyword arguments only (names may be UTF-8); literals: numbers, '...' or "..." strings,
//          True/False/None, lists, tuples (read as lists) and dicts.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace rlrf::tasks {

struct FunctionCall {
    std::string name;
    nlohmann::json arguments = nlohmann::json::object();
};

/// The call in `text`, or nothing with `error` saying why.
std::optional<FunctionCall> parseFunctionCall(const std::string &text, std::string &error);

} // namespace rlrf::tasks
