// SPDX-License-Identifier: GPL-3.0-or-later
// Unicode Normalization Form C (UAX #15) for the tokenizer's NFC normalizer, which
// Qwen2/2.5/3 tokenizers use. Tables come from the Unicode Character Database via
// make_nfc_tables.py; Hangul syllables are composed algorithmically.
#pragma once

#include <string>
#include <string_view>

namespace rlrf::model::detail {

// NFC of UTF-8 text. Malformed bytes become U+FFFD. ASCII text is returned as is.
std::string toNfc(std::string_view text);

} // namespace rlrf::model::detail
