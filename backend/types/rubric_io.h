// SPDX-License-Identifier: GPL-3.0-or-later
// Rubric files (docs/rubric-format.md): strict reading that names the file, the
// field and the problem; writing in one canonical form, which is also the form
// the store compares to decide whether a saved rubric is a new version.
#pragma once

#include "types/rubric.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace rlrf::feedback {

/// The number of aspects of the paper's rubric. Other counts are allowed (a task
/// may leave aspects out) but earn a warning.
inline constexpr size_t kStandardAspectCount = 8;

/// Validates and converts; throws rlrf::Error {file, 0, "aspects[3].weight"} for
/// an unknown key, a missing or empty field, a missing or extra level, a weight
/// that is not a number or is negative, a duplicate aspect name, or a rubric in
/// which no aspect applies with a positive weight. Warnings (an aspect count other
/// than eight) are appended to `warnings` when given.
Rubric parseRubric(const nlohmann::json &json, const std::string &fileForErrors,
                   std::vector<std::string> *warnings = nullptr);
Rubric loadRubricFile(const std::string &path, std::vector<std::string> *warnings = nullptr);

/// Canonical JSON: keys in a fixed order, levels as {"1","2","3"}, every field present.
nlohmann::json rubricToJson(const Rubric &rubric);
/// rubricToJson(rubric) as text, two-space indented with a final newline.
std::string rubricToText(const Rubric &rubric);
/// Writes atomically (temporary file, then rename).
void saveRubricFile(const std::string &path, const Rubric &rubric);

} // namespace rlrf::feedback
