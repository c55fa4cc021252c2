// SPDX-License-Identifier: GPL-3.0-or-later
// GPT-2's byte-to-unicode map: every byte becomes a printable character, so a
// byte-level BPE vocabulary is a set of ordinary strings (openai/gpt-2 encoder.py).
#pragma once

#include <string>
#include <string_view>

namespace rlrf::model::detail {

// The UTF-8 form of each byte's stand-in character (e.g. ' ' -> "Ġ").
const std::string &byteToUnicode(unsigned char byte);

// Maps every byte of `text` to its stand-in and appends to `out`.
void appendByteLevel(std::string &out, std::string_view text);

// Inverse map: the byte a stand-in character stands for; -1 for any other character.
int unicodeToByte(char32_t cp);

} // namespace rlrf::model::detail
