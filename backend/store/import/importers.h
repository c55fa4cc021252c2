// SPDX-License-Identifier: GPL-3.0-or-later
// Generic prompt import from JSONL and CSV with a field mapping, and the record
// every importer (generic or per data set) produces. Readers only read: they
// throw on the first bad row, so nothing is written for a file with an error.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace rlrf::tasks {

/// One prompt as read from a file, before it is stored.
struct ImportedPrompt {
    std::string text;
    std::optional<std::string> referenceAnswer;
    long sourceRow = 0;          // 1-based line (JSONL, CSV record start) or array position
    nlohmann::json metadata = nlohmann::json::object(); // the row's other fields, ids, ...
};

/// Which field holds what. A JSONL field may be a dotted path ("input.question");
/// a CSV field is a header name. An empty answer field means "no reference answer".
struct FieldMapping {
    std::string promptField = "prompt";
    std::string answerField;
};

/// Each non-blank line an object with a non-empty string at the prompt field;
/// the answer, when mapped, a string or a number. Errors name file:line and field.
std::vector<ImportedPrompt> readJsonlPrompts(const std::string &path, const FieldMapping &mapping);
/// The first record is the header; every record must have as many fields.
std::vector<ImportedPrompt> readCsvPrompts(const std::string &path, const FieldMapping &mapping);

} // namespace rlrf::tasks
