// SPDX-License-Identifier: GPL-3.0-or-later
// Exports for training elsewhere and for analysis: preference pairs in TRL's
// conversational format with a provenance sidecar, and critiques as JSONL.
// Files are written to a temporary name and renamed, so a failed export never
// leaves half a file where a finished one was expected.
#pragma once

#include <cstdint>
#include <string>

namespace rlrf::store {

class Database;

struct PairExportOptions {
    /// Only pairs a reviewer approved or edited; otherwise pending ones too.
    /// Rejected pairs are never exported.
    bool reviewedOnly = false;
};

struct ExportSummary {
    std::int64_t rows = 0;
    std::string path;
    std::string provenancePath; // pairs only
};

/// `out`: one {"prompt": [{"role": "user", ...}], "chosen": [{"role": "assistant",
/// ...}], "rejected": [...]} per line, the texts as reviewed. `provenance` (empty:
/// beside `out`, ".provenance.jsonl"): line i describes line i of `out` — pair id,
/// rule, gap, review state, candidate ids, critique ids, judges, rubric version.
ExportSummary exportPairsTrl(Database &db, const std::string &out, const std::string &provenance = {},
                             const PairExportOptions &options = {});

/// One critique a line: ids, prompt, iteration, judge, rubric version, overall,
/// reward, parse status and error, per-aspect ratings and rationales, raw output.
ExportSummary exportCritiquesJsonl(Database &db, const std::string &out);

/// "pairs.jsonl" -> "pairs.provenance.jsonl".
std::string defaultProvenancePath(const std::string &out);

} // namespace rlrf::store
