// SPDX-License-Identifier: GPL-3.0-or-later
// Critiques as text: the feedback a refinement prompt shows (only the aspects
// rated below 3) and a full readable rendering for people and logs.
#pragma once

#include "types/critique.h"

#include <string>

namespace rlrf::feedback {

/// One line per applicable aspect rated 1 or 2, worst first, then in critique
/// order: "- Logical Correctness (2/3): rationale". Empty when every applicable
/// aspect is rated 3 (nothing to refine). Adds nothing beyond the rationales, so
/// a judge that keeps corrected numbers out of them keeps them out of this.
std::string refinementFeedback(const Critique &critique);

/// Every aspect ("n/a" for not applicable), the overall score, the reward and
/// the judge, one per line.
std::string renderCritique(const Critique &critique);

} // namespace rlrf::feedback
