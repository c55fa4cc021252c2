// Python semantics of the operators, attribute and item access, slicing and
// iteration as Jinja2 applies them. Type errors and use of undefined values throw
// EvalError with Python-like messages.
#pragma once

#include "model/jinja/value.h"

#include <optional>
#include <string>

namespace rlrf::jinja {

// + - * / // % ** ~ == != < <= > >= in, "not in"
Value binaryOp(const std::string &op, const Value &a, const Value &b);
// "-", "+"
Value unaryOp(const std::string &op, const Value &a);

// `obj.name`: a method of the value's type first, then a dict key (Jinja's getattr).
Value getAttribute(const Value &obj, const std::string &name);
// `obj[key]`: a dict key or a (negative) index first, then a method.
Value getItem(const Value &obj, const Value &key);
Value slice(const Value &obj, std::optional<std::int64_t> start, std::optional<std::int64_t> stop,
            std::optional<std::int64_t> step);

// What a for loop walks over: list items, dict keys, string characters; undefined
// gives nothing (Jinja's default Undefined).
ValueList iterate(const Value &v);
// Python len(); undefined is 0.
std::int64_t length(const Value &v);

// Throws EvalError when `v` is undefined ("'x' is undefined").
void requireDefined(const Value &v);

} // namespace rlrf::jinja
