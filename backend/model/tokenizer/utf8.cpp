// SPDX-License-Identifier: GPL-3.0-or-later
// UTF-8 decoding and encoding for the tokenizer (see utf8.h).
#include "model/tokenizer/utf8.h"

namespace rlrf::model::detail {

namespace {

bool isContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of a well-formed sequence at `pos`, 0 if malformed (overlong forms,
// surrogates and values above U+10FFFF are malformed, as in the Unicode standard).
std::size_t validSequenceLength(std::string_view s, std::size_t pos)
{
    const auto c0 = static_cast<unsigned char>(s[pos]);
    if (c0 < 0x80) return 1;
    const std::size_t n = s.size() - pos;
    auto at = [&](std::size_t i) { return static_cast<unsigned char>(s[pos + i]); };
    if (c0 >= 0xC2 && c0 <= 0xDF)
        return n >= 2 && isContinuation(at(1)) ? 2 : 0;
    if (c0 >= 0xE0 && c0 <= 0xEF) {
        if (n < 3 || !isContinuation(at(1)) || !isContinuation(at(2))) return 0;
        if (c0 == 0xE0 && at(1) < 0xA0) return 0;
        if (c0 == 0xED && at(1) >= 0xA0) return 0;
        return 3;
    }
    if (c0 >= 0xF0 && c0 <= 0xF4) {
        if (n < 4 || !isContinuation(at(1)) || !isContinuation(at(2)) || !isContinuation(at(3))) return 0;
        if (c0 == 0xF0 && at(1) < 0x90) return 0;
        if (c0 == 0xF4 && at(1) >= 0x90) return 0;
        return 4;
    }
    return 0;
}

// Bytes of a maximal invalid prefix that form one replacement character
// (WHATWG "maximal subpart" rule: a truncated but otherwise valid start counts once).
std::size_t maximalSubpart(std::string_view s, std::size_t pos)
{
    const auto c0 = static_cast<unsigned char>(s[pos]);
    std::size_t need = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c0 >= 0xC2 && c0 <= 0xDF) need = 1;
    else if (c0 >= 0xE0 && c0 <= 0xEF) { need = 2; if (c0 == 0xE0) lo = 0xA0; if (c0 == 0xED) hi = 0x9F; }
    else if (c0 >= 0xF0 && c0 <= 0xF4) { need = 3; if (c0 == 0xF0) lo = 0x90; if (c0 == 0xF4) hi = 0x8F; }
    else return 1;
    std::size_t len = 1;
    for (std::size_t i = 0; i < need && pos + len < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[pos + len]);
        if (i == 0 ? (c < lo || c > hi) : !isContinuation(c)) break;
        ++len;
    }
    return len;
}

} // namespace

char32_t decodeUtf8(std::string_view s, std::size_t &pos)
{
    const std::size_t len = validSequenceLength(s, pos);
    if (len == 0) {
        pos += maximalSubpart(s, pos);
        return kReplacementChar;
    }
    const auto c0 = static_cast<unsigned char>(s[pos]);
    char32_t cp = len == 1 ? c0 : len == 2 ? (c0 & 0x1F) : len == 3 ? (c0 & 0x0F) : (c0 & 0x07);
    for (std::size_t i = 1; i < len; ++i)
        cp = (cp << 6) | (static_cast<unsigned char>(s[pos + i]) & 0x3F);
    pos += len;
    return cp;
}

void appendUtf8(std::string &out, char32_t cp)
{
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

bool isValidUtf8(std::string_view bytes)
{
    for (std::size_t pos = 0; pos < bytes.size();) {
        const std::size_t len = validSequenceLength(bytes, pos);
        if (len == 0) return false;
        pos += len;
    }
    return true;
}

std::string toValidUtf8(std::string_view bytes)
{
    if (isValidUtf8(bytes)) return std::string(bytes);
    std::string out;
    out.reserve(bytes.size() + 8);
    for (std::size_t pos = 0; pos < bytes.size();) {
        const std::size_t len = validSequenceLength(bytes, pos);
        if (len == 0) {
            appendUtf8(out, kReplacementChar);
            pos += maximalSubpart(bytes, pos);
        } else {
            out.append(bytes.substr(pos, len));
            pos += len;
        }
    }
    return out;
}

} // namespace rlrf::model::detail
