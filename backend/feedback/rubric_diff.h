// SPDX-License-Identifier: GPL-3.0-or-later
// What changed between two rubric versions, field by field, for the rubric
// editor's version comparison. Aspects are matched by name; a renamed aspect shows
// as one removed and one added.
#pragma once

#include "types/rubric.h"

#include <string>
#include <vector>

namespace rlrf::feedback {

struct RubricChange {
    enum class Kind { Changed, AspectAdded, AspectRemoved, AspectMoved };
    Kind kind = Kind::Changed;
    std::string aspect; // empty for rubric-level fields
    std::string field;  // "name", "description", "weight", "applies", "level 1".."level 3", "position"
    std::string before; // empty for an added aspect
    std::string after;  // empty for a removed aspect
};

/// Changes from `before` to `after` in a stable order: rubric fields, then the
/// aspects of `before` in their order (changed, moved or removed), then added
/// aspects in the order of `after`. Equal rubrics give an empty list.
std::vector<RubricChange> diffRubrics(const Rubric &before, const Rubric &after);

/// One line per change, e.g. `Factuality: weight 1 -> 2`.
std::string describeChange(const RubricChange &change);

} // namespace rlrf::feedback
