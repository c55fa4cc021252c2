// SPDX-License-Identifier: GPL-3.0-or-later
// Byte-to-unicode map of GPT-2 byte-level BPE (see byte_level.h).
#include "model/tokenizer/byte_level.h"

#include "model/tokenizer/utf8.h"

#include <array>

namespace rlrf::model::detail {

namespace {

struct ByteTables {
    std::array<std::string, 256> toUnicode;
    std::array<char32_t, 256> codePoint{};
    std::array<int, 256 + 68> fromUnicode{}; // code point -> byte, -1 if none

    ByteTables()
    {
        // Printable Latin-1 bytes stand for themselves; the other 68 are shifted
        // to U+0100 and up, in byte order.
        fromUnicode.fill(-1);
        char32_t next = 256;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            codePoint[static_cast<std::size_t>(b)] = printable ? static_cast<char32_t>(b) : next++;
            appendUtf8(toUnicode[static_cast<std::size_t>(b)], codePoint[static_cast<std::size_t>(b)]);
            fromUnicode[codePoint[static_cast<std::size_t>(b)]] = b;
        }
    }
};

const ByteTables &tables()
{
    static const ByteTables t;
    return t;
}

} // namespace

const std::string &byteToUnicode(unsigned char byte)
{
    return tables().toUnicode[byte];
}

void appendByteLevel(std::string &out, std::string_view text)
{
    const auto &t = tables().toUnicode;
    for (char c : text)
        out += t[static_cast<unsigned char>(c)];
}

int unicodeToByte(char32_t cp)
{
    const auto &from = tables().fromUnicode;
    return cp < from.size() ? from[cp] : -1;
}

} // namespace rlrf::model::detail
