// SPDX-License-Identifier: GPL-3.0-or-later
// Rows of the project file as plain values: what the repositories take and return
// and what the GUI's item models show. Torch-free and Qt-free.
#pragma once

#include "types/critique.h"

#include <cstdint>
#include <optional>
#include <string>

namespace rlrf::store {

enum class Split { Train, Validation, Test };
enum class ReviewState { Pending, Approved, Rejected, Edited };

/// Lower-case names as stored ("train", "approved"); parse functions throw
/// rlrf::Error naming the bad value.
std::string toString(Split split);
std::string toString(ReviewState state);
Split parseSplit(const std::string &text);
ReviewState parseReviewState(const std::string &text);

/// A page of a listing: `limit` rows from `offset`, ordered by `sortKey` (one of the
/// keys the repository documents; anything else is an error, never raw SQL).
struct PageRequest {
    std::int64_t offset = 0;
    std::int64_t limit = 100;
    std::string sortKey = "id";
    bool descending = false;
    /// Keyset paging: start after the row with this id (the last row of the previous
    /// page) instead of counting `offset` rows from the start; fast at any depth.
    /// A row outside the listing gives an empty page.
    std::optional<std::int64_t> afterId;
};

struct ProjectInfo {
    std::string task;      // "arith", "gsm8k", ...
    std::string modelDir;  // the policy's starting model folder, as the user gave it
    std::string createdAt; // ISO 8601 UTC
    int schemaVersion = 0;
};

struct RubricVersion {
    std::int64_t id = 0;
    std::string name;
    int version = 0;       // 1, 2, ... per rubric name
    std::string json;      // the rubric in canonical JSON (rubric_io)
    std::string createdAt;
};

struct PromptSetRecord {
    std::int64_t id = 0;
    std::string name;
    std::string format;     // "gsm8k", "jsonl", ...
    std::string sourcePath;
    std::string importedAt;
};

struct PromptRecord {
    std::int64_t id = 0;
    std::int64_t promptSetId = 0;
    std::string text;
    std::optional<std::string> referenceAnswer;
    Split split = Split::Train;
    std::string source;          // file the prompt came from
    std::int64_t sourceRow = 0;  // 1-based line / row / array position in it
    std::string metadataJson = "{}";
};

/// A sampled answer, or — when parentCandidateId is set — a refinement of that
/// candidate written from the critique `critiqueUsedId`.
struct CandidateRecord {
    std::int64_t id = 0;
    std::int64_t promptId = 0;
    int iteration = 0;                        // M_i that produced it
    std::optional<std::int64_t> checkpointId; // the model checkpoint, when known
    std::string text;
    std::int64_t tokenCount = 0;
    std::string samplingParamsJson = "{}";    // temperature, top_p, max_tokens, ...
    std::int64_t seed = 0;
    std::optional<std::int64_t> parentCandidateId;
    std::optional<std::int64_t> critiqueUsedId;
    std::string createdAt;

    bool isRefinement() const { return parentCandidateId.has_value(); }
};

struct CritiqueRecord {
    std::int64_t id = 0;
    std::int64_t candidateId = 0;
    std::optional<std::int64_t> rubricVersionId;
    feedback::Critique critique;
    std::string createdAt;
};

struct PairRecord {
    std::int64_t id = 0;
    std::int64_t promptId = 0;
    std::int64_t chosenCandidateId = 0;
    std::int64_t rejectedCandidateId = 0;
    std::optional<std::int64_t> chosenCritiqueId;
    std::optional<std::int64_t> rejectedCritiqueId;
    std::string rule;     // "best_worst", "refined_vs_original", "pareto", ...
    double gap = 0.0;     // chosen overall - rejected overall
    ReviewState reviewState = ReviewState::Pending;
    // Texts as exported: the candidates' texts unless a reviewer edited them.
    std::string chosenText;
    std::string rejectedText;
    std::string createdAt;
};

/// One row of a pair's review history: approve, reject, reset, swap, edit_chosen,
/// edit_rejected.
struct PairHistoryEntry {
    std::int64_t id = 0;
    std::int64_t pairId = 0;
    std::string action;
    std::string oldValue;
    std::string newValue;
    std::string author;
    std::string at;
};

} // namespace rlrf::store
