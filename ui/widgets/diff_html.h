// SPDX-License-Identifier: GPL-3.0-or-later
// Paints a word diff (feedback/text_diff.h) as HTML for one side: the original
// with its removed words struck through in red, or the refinement with its
// inserted words on green. White space and line breaks are kept.
#pragma once

#include "feedback/text_diff.h"

#include <QString>

namespace rlrf::ui {

enum class DiffSide { Before, After };

QString diffHtml(const std::vector<feedback::DiffRun> &runs, DiffSide side);

} // namespace rlrf::ui
