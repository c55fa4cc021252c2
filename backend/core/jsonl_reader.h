// JSONL input, one record a line. A line that does not parse is an error naming the
// file and the line, never a silent skip. Blank lines are allowed and ignored.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <istream>
#include <string>

namespace rlrf::jsonl {

// Calls `fn(record, lineNumber)` for each non-blank line of the file ("-" = stdin).
void forEachLine(const std::string &path,
                 const std::function<void(const nlohmann::json &, long)> &fn);

// Same, from a stream; `name` is what error messages call it.
void forEachLine(std::istream &in, const std::string &name,
                 const std::function<void(const nlohmann::json &, long)> &fn);

} // namespace rlrf::jsonl
