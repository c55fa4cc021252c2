// Jinja2's built-in filters and tests that chat templates use, plus transformers'
// tojson (ensure_ascii off, Python's separators). Failures throw EvalError.
#pragma once

#include "model/jinja/value.h"

#include <string>

namespace rlrf::jinja {

bool hasFilter(const std::string &name);
bool hasTest(const std::string &name);

Value applyFilter(const std::string &name, const Value &input, const CallArgs &args);
bool applyTest(const std::string &name, const Value &input, const CallArgs &args);

// Python's json.dumps(value, ensure_ascii=False, indent=indent, separators=...).
// indent < 0 = none; empty separators = Python's defaults for the indent.
std::string toJsonText(const Value &value, int indent = -1, const std::string &itemSeparator = {},
                       const std::string &keySeparator = {}, bool sortKeys = false);

} // namespace rlrf::jinja
