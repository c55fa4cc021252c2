// SPDX-License-Identifier: GPL-3.0-or-later
// UTF-8 decoding and encoding for the tokenizer. Invalid bytes decode as U+FFFD
// one byte at a time, the way Hugging Face's lossy decoding treats them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rlrf::model::detail {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Length of the UTF-8 sequence that starts with `lead` (1 for an invalid lead byte).
inline std::size_t utf8SequenceLength(unsigned char lead)
{
    if (lead < 0x80) return 1;
    if ((lead >> 5) == 0x6) return 2;
    if ((lead >> 4) == 0xE) return 3;
    if ((lead >> 3) == 0x1E) return 4;
    return 1;
}

// Decodes the code point at `pos` and advances `pos`; malformed input yields
// U+FFFD and advances by one byte.
char32_t decodeUtf8(std::string_view text, std::size_t &pos);

void appendUtf8(std::string &out, char32_t cp);

// True if `bytes` is well-formed UTF-8.
bool isValidUtf8(std::string_view bytes);

// Replaces each malformed byte with U+FFFD (String::from_utf8_lossy semantics are
// per maximal invalid subsequence; WHATWG TextDecoder's are the same for our uses).
std::string toValidUtf8(std::string_view bytes);

} // namespace rlrf::model::detail
