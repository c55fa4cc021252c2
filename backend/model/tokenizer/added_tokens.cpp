// SPDX-License-Identifier: GPL-3.0-or-later
// Added-token matching (see added_tokens.h).
#include "model/tokenizer/added_tokens.h"

#include <algorithm>

namespace rlrf::model::detail {

namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool isWordByte(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

} // namespace

void AddedTokenSplitter::add(std::string pattern, const AddedTokenSpec *token)
{
    if (pattern.empty()) return;
    auto &bucket = m_byFirstByte[static_cast<unsigned char>(pattern[0])];
    bucket.push_back({std::move(pattern), token});
    std::stable_sort(bucket.begin(), bucket.end(),
                     [](const Entry &a, const Entry &b) { return a.pattern.size() > b.pattern.size(); });
    ++m_count;
}

std::vector<TextSection> AddedTokenSplitter::split(std::string_view text) const
{
    std::vector<TextSection> sections;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size();) {
        const Entry *match = nullptr;
        for (const Entry &e : m_byFirstByte[static_cast<unsigned char>(text[i])]) {
            if (text.compare(i, e.pattern.size(), e.pattern) != 0) continue;
            const std::size_t end = i + e.pattern.size();
            if (e.token->singleWord && ((i > 0 && isWordByte(text[i - 1])) || (end < text.size() && isWordByte(text[end]))))
                continue;
            match = &e;
            break;
        }
        if (!match) { ++i; continue; }
        if (i > start) sections.push_back({std::string(text.substr(start, i - start)), nullptr});
        sections.push_back({match->token->content, match->token});
        i += match->pattern.size();
        start = i;
    }
    if (start < text.size()) sections.push_back({std::string(text.substr(start)), nullptr});

    // lstrip / rstrip: the token swallows the whitespace beside it.
    for (std::size_t k = 0; k < sections.size(); ++k) {
        const AddedTokenSpec *t = sections[k].token;
        if (!t) continue;
        if (t->lstrip && k > 0 && !sections[k - 1].token) {
            std::string &prev = sections[k - 1].text;
            while (!prev.empty() && isSpace(prev.back())) prev.pop_back();
        }
        if (t->rstrip && k + 1 < sections.size() && !sections[k + 1].token) {
            std::string &next = sections[k + 1].text;
            next.erase(0, std::find_if(next.begin(), next.end(), [](char c) { return !isSpace(c); }) - next.begin());
        }
    }
    return sections;
}

} // namespace rlrf::model::detail
