// SPDX-License-Identifier: GPL-3.0-or-later
// A compiled PCRE2 pattern in UTF + UCP mode (so \s, \p{L}, \w are Unicode-aware,
// as in the Oniguruma engine that Hugging Face tokenizers use), JIT-compiled when
// the library supports it. Safe to use from several threads at once.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rlrf::model::detail {

class Pcre2Regex {
public:
    // Throws rlrf::Error naming `fileForErrors`, `field` and the compile error.
    Pcre2Regex(const std::string &pattern, const std::string &fileForErrors, const std::string &field);
    ~Pcre2Regex();
    Pcre2Regex(const Pcre2Regex &) = delete;
    Pcre2Regex &operator=(const Pcre2Regex &) = delete;

    // Byte ranges [begin, end) of all non-overlapping, non-empty matches, left to right.
    std::vector<std::pair<std::size_t, std::size_t>> findAll(std::string_view text) const;

    bool isJitCompiled() const { return m_jit; }

private:
    struct Code;
    std::unique_ptr<Code> m_code;
    bool m_jit = false;
};

} // namespace rlrf::model::detail
