// Python methods that templates call on values: str.startswith/strip/split/...,
// dict.get/items/keys/values, list.append/index/count.
#pragma once

#include "model/jinja/value.h"

#include <string>

namespace rlrf::jinja {

// The method `name` of `obj` bound to it, or undefined when the type has none.
Value boundMethod(const Value &obj, const std::string &name);

// Python's str.strip(chars) family; chars empty = whitespace. which: 'l', 'r' or 'b'.
std::string stripString(const std::string &s, const std::string *chars, char which);

} // namespace rlrf::jinja
