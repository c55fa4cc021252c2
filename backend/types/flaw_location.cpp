// SPDX-License-Identifier: GPL-3.0-or-later
#include "types/flaw_location.h"

#include <cctype>

namespace rlrf::feedback {

namespace {

// Every "line N" in `text`, case-insensitive, as a whole word.
void citedLines(const std::string &text, std::optional<int> &smallest)
{
    static const std::string word = "line ";
    for (std::size_t i = 0; i + word.size() < text.size(); ++i) {
        if (i > 0 && std::isalpha(static_cast<unsigned char>(text[i - 1])))
            continue;
        bool match = true;
        for (std::size_t k = 0; k < word.size() && match; ++k)
            match = std::tolower(static_cast<unsigned char>(text[i + k])) == word[k];
        if (!match)
            continue;
        std::size_t j = i + word.size();
        long value = 0;
        const std::size_t digits = j;
        while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])) && value < 1000000)
            value = value * 10 + (text[j++] - '0');
        if (j == digits || value < 1)
            continue;
        if (!smallest || value < *smallest)
            smallest = static_cast<int>(value);
    }
}

} // namespace

std::optional<int> firstFlawedLine(const Critique &critique, int topLevel)
{
    if (critique.parseStatus != ParseStatus::Ok)
        return std::nullopt;
    std::optional<int> smallest;
    for (const auto &a : critique.aspects)
        if (a.rating != kNotApplicable && a.rating < topLevel)
            citedLines(a.rationale, smallest);
    return smallest;
}

std::string firstLines(const std::string &text, int lines)
{
    std::size_t end = 0;
    for (int n = 0; n < lines; ++n) {
        const auto newline = text.find('\n', end);
        if (newline == std::string::npos)
            return text;
        if (n + 1 == lines)
            return text.substr(0, newline);
        end = newline + 1;
    }
    return {};
}

} // namespace rlrf::feedback
