// SPDX-License-Identifier: GPL-3.0-or-later
// Where a critique says an answer first goes wrong. Fine-grained feedback does more
// than score an answer: the arith rule judge cites the line of each mistake
// ("Step 2 (line 2): arithmetic slip ..."), and a language-model judge asked to
// cite lines does the same. The pipeline uses the first cited line to cut a
// rejected answer after its first flaw, so DPO does not push down the correct
// steps that follow a slip. Torch-free, Qt-free.
#pragma once

#include "types/critique.h"

#include <optional>
#include <string>

namespace rlrf::feedback {

/// The smallest line number ("line N", 1-based, any case) cited in the rationale
/// of an applicable aspect rated below `topLevel`; nullopt when no rationale of
/// such an aspect cites a line, or the critique failed to parse.
std::optional<int> firstFlawedLine(const Critique &critique, int topLevel = 3);

/// The first `lines` lines of `text` (lines end at '\n'), without the newline
/// that ends the last of them; the whole text when it has fewer lines.
std::string firstLines(const std::string &text, int lines);

} // namespace rlrf::feedback
