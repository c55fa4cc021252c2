// Python strings count and index code points, not bytes; these functions let slicing,
// indexing and length see UTF-8 text the same way.
#pragma once

#include <string>
#include <vector>

namespace rlrf::jinja::utf8 {

// Byte offsets where each code point starts (invalid bytes count as one each).
std::vector<size_t> codePointStarts(const std::string &s);
size_t length(const std::string &s);
// The code points [first, first + count) as UTF-8.
std::string substr(const std::string &s, const std::vector<size_t> &starts, size_t first, size_t count);

} // namespace rlrf::jinja::utf8
