// SPDX-License-Identifier: GPL-3.0-or-later
// The words and tables teaching mode shows for each step of a walkthrough, as
// HTML for the large-type view.
#pragma once

#include <QString>

namespace rlrf::teaching {
class Walkthrough;
}

namespace rlrf::ui {

/// The page for the walkthrough's current stage (the prompt before step 1).
QString renderTeachingStage(const teaching::Walkthrough &walk);

} // namespace rlrf::ui
