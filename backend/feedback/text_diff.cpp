// SPDX-License-Identifier: GPL-3.0-or-later
#include "feedback/text_diff.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace rlrf::feedback {
namespace {

bool isSpace(char c)
{
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

void append(std::vector<DiffRun> &runs, DiffKind kind, const std::string &token)
{
    if (!runs.empty() && runs.back().kind == kind)
        runs.back().text += token;
    else
        runs.push_back({kind, token});
}

// Classic LCS table over the middle part (after stripping the common prefix and
// suffix, which keeps the table small for typical refinements), then a walk
// from the start that prefers removals before insertions inside a change.
void diffMiddle(const std::vector<std::string> &a, const std::vector<std::string> &b, std::size_t from,
                std::size_t aEnd, std::size_t bEnd, std::vector<DiffRun> &runs)
{
    const std::size_t n = aEnd - from;
    const std::size_t m = bEnd - from;
    if (n > kMaxDiffTokens || m > kMaxDiffTokens) {
        for (std::size_t i = from; i < aEnd; ++i)
            append(runs, DiffKind::Removed, a[i]);
        for (std::size_t j = from; j < bEnd; ++j)
            append(runs, DiffKind::Inserted, b[j]);
        return;
    }
    // lcs[i][j] = LCS length of a[from+i..aEnd) and b[from+j..bEnd) (suffixes).
    std::vector<std::uint32_t> lcs((n + 1) * (m + 1), 0);
    auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t & { return lcs[i * (m + 1) + j]; };
    for (std::size_t i = n; i-- > 0;)
        for (std::size_t j = m; j-- > 0;)
            at(i, j) = a[from + i] == b[from + j] ? at(i + 1, j + 1) + 1
                                                  : std::max(at(i + 1, j), at(i, j + 1));
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[from + i] == b[from + j]) {
            append(runs, DiffKind::Same, a[from + i]);
            ++i, ++j;
        } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
            append(runs, DiffKind::Removed, a[from + i++]);
        } else {
            append(runs, DiffKind::Inserted, b[from + j++]);
        }
    }
}

// Merges "removed X, inserted Y, removed Z" patterns that the walk can produce
// around shared white space into the reading order the header promises: within
// one change (no Same run between), every removal before every insertion.
std::vector<DiffRun> groupChanges(const std::vector<DiffRun> &runs)
{
    std::vector<DiffRun> out;
    std::string removed, inserted;
    auto flush = [&] {
        if (!removed.empty())
            out.push_back({DiffKind::Removed, removed});
        if (!inserted.empty())
            out.push_back({DiffKind::Inserted, inserted});
        removed.clear();
        inserted.clear();
    };
    for (const auto &run : runs) {
        if (run.kind == DiffKind::Same) {
            flush();
            append(out, DiffKind::Same, run.text);
        } else {
            (run.kind == DiffKind::Removed ? removed : inserted) += run.text;
        }
    }
    flush();
    return out;
}

} // namespace

std::vector<std::string> wordTokens(const std::string &text)
{
    std::vector<std::string> tokens;
    std::size_t i = 0;
    while (i < text.size()) {
        const bool space = isSpace(text[i]);
        std::size_t j = i + 1;
        while (j < text.size() && isSpace(text[j]) == space)
            ++j;
        tokens.push_back(text.substr(i, j - i));
        i = j;
    }
    return tokens;
}

std::vector<DiffRun> wordDiff(const std::string &before, const std::string &after)
{
    const auto a = wordTokens(before);
    const auto b = wordTokens(after);
    std::size_t prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix])
        ++prefix;
    std::size_t suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix
           && a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix])
        ++suffix;

    std::vector<DiffRun> runs;
    for (std::size_t i = 0; i < prefix; ++i)
        append(runs, DiffKind::Same, a[i]);
    diffMiddle(a, b, prefix, a.size() - suffix, b.size() - suffix, runs);
    for (std::size_t i = a.size() - suffix; i < a.size(); ++i)
        append(runs, DiffKind::Same, a[i]);
    return groupChanges(runs);
}

DiffStats diffStats(const std::vector<DiffRun> &runs)
{
    DiffStats stats;
    for (const auto &run : runs) {
        std::size_t words = 0;
        for (const auto &token : wordTokens(run.text))
            if (!isSpace(token.front()))
                ++words;
        (run.kind == DiffKind::Same ? stats.kept : run.kind == DiffKind::Removed ? stats.removed : stats.inserted) +=
            words;
    }
    return stats;
}

} // namespace rlrf::feedback
