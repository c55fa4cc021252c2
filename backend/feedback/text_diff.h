// SPDX-License-Identifier: GPL-3.0-or-later
// Word-level difference between two texts (an answer and its refinement): the
// longest common subsequence of their word tokens, reported as runs of kept,
// removed and inserted text. Torch-free and Qt-free; views only paint the runs.
#pragma once

#include <string>
#include <vector>

namespace rlrf::feedback {

/// A token is a maximal run of non-space bytes or a maximal run of white space,
/// so joining the tokens gives the text back byte for byte.
std::vector<std::string> wordTokens(const std::string &text);

enum class DiffKind { Same, Removed, Inserted };

/// A run of consecutive tokens of one kind, joined ("2 + 3 = 6").
struct DiffRun {
    DiffKind kind = DiffKind::Same;
    std::string text;
};

/// Runs such that the Same and Removed runs, in order, spell `before` and the
/// Same and Inserted runs spell `after`, with as many word tokens kept as any
/// common subsequence allows (white-space tokens count too, so "a b" vs "a  b"
/// shows the changed spacing). Within one change the removal comes first.
/// Memory grows as tokens(before) × tokens(after) / 8 bytes; texts longer than
/// kMaxDiffTokens tokens each fall back to one removal and one insertion after
/// the common prefix and suffix, rather than using gigabytes.
std::vector<DiffRun> wordDiff(const std::string &before, const std::string &after);

inline constexpr std::size_t kMaxDiffTokens = 20000;

/// Counts of changed word tokens (white space not counted), for summaries.
struct DiffStats {
    std::size_t kept = 0;
    std::size_t removed = 0;
    std::size_t inserted = 0;
};
DiffStats diffStats(const std::vector<DiffRun> &runs);

} // namespace rlrf::feedback
