// SPDX-License-Identifier: GPL-3.0-or-later
// Imports a prompt file into a project: reads and validates every row first, then
// writes the prompt set and all its prompts in one transaction, so a file with a
// bad line leaves the project exactly as it was.
#pragma once

#include "store/import/importers.h"
#include "types/records.h"

#include <optional>
#include <string>

namespace rlrf::store {
class Database;
}

namespace rlrf::tasks {

enum class ImportFormat { Gsm8k, JustEval, Bfcl, Jsonl, Csv };

/// "gsm8k", "just-eval", "bfcl", "jsonl", "csv"; rlrf::Error for anything else.
ImportFormat parseImportFormat(const std::string &text);
std::string toString(ImportFormat format);

struct ImportRequest {
    ImportFormat format = ImportFormat::Jsonl;
    std::string inputPath;
    /// Absent: from the file name — "test" in it means test, "valid" or "dev"
    /// validation, anything else train.
    std::optional<store::Split> split;
    FieldMapping mapping;    // jsonl and csv only
    std::string answersPath; // bfcl only; empty = possible_answer/<name> beside the input
    std::string setName;     // empty = the input's file name
};

struct ImportSummary {
    std::int64_t promptSetId = 0;
    std::int64_t count = 0;
    store::Split split = store::Split::Train;
};

store::Split splitFromFileName(const std::string &path);

/// Reads with the format's reader, then stores. Throws rlrf::Error naming the
/// file, the line and the cause; nothing is written then.
ImportSummary importPrompts(store::Database &db, const ImportRequest &request);

} // namespace rlrf::tasks
