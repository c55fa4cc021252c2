// SPDX-License-Identifier: GPL-3.0-or-later
// The read queries behind the Explorer: prompts with a summary of their
// candidates and scores (paged, filtered, sorted by score, gap or state), the
// candidates of one prompt with their critiques, and a refinement with the
// answer it refined. Read-only; each call is one short query on the caller's
// connection.
#pragma once

#include "types/records.h"

#include <optional>
#include <string>
#include <vector>

namespace rlrf::store {

class Database;

/// Where a prompt stands in the loop, in the order the state sort uses.
enum class PromptState {
    New = 0,     ///< no candidate yet
    Sampled = 1, ///< some candidate has no critique yet
    Judged = 2,  ///< every candidate has a critique
    Refined = 3, ///< at least one refinement exists
};
std::string toString(PromptState state);

/// One row of the prompt list. A candidate's score is its newest parsed critique's
/// overall score (so a human override, being newer, counts).
struct PromptSummary {
    std::int64_t id = 0;
    std::string text;
    Split split = Split::Train;
    std::int64_t samples = 0;     // candidates that are not refinements
    std::int64_t refinements = 0;
    std::int64_t judged = 0;      // candidates (of either kind) with at least one critique
    std::optional<double> best;   // highest score among the prompt's candidates
    std::optional<double> worst;  // lowest
    PromptState state = PromptState::New;

    std::optional<double> gap() const
    {
        return best && worst ? std::optional<double>(*best - *worst) : std::nullopt;
    }
};

/// Everything optional narrows the list; `search` matches a part of the prompt
/// text, case-insensitively for ASCII letters, with no wildcard characters.
struct PromptFilter {
    std::string search;
    std::optional<Split> split;
    std::optional<PromptState> state;
};

struct CandidateWithCritiques {
    CandidateRecord candidate;
    std::vector<CritiqueRecord> critiques; // oldest first
    /// The newest critique whose parse succeeded, if any (what the score uses).
    const CritiqueRecord *latestParsed() const;
};

struct AspectChange {
    std::string aspect;
    int before = 0; // 0: not rated / not applicable
    int after = 0;
};

/// A refinement beside what it refined.
struct RefinementView {
    CandidateRecord refined;
    CandidateRecord original;
    CritiqueRecord critiqueUsed;                  // what drove the refinement
    std::optional<CritiqueRecord> refinedCritique; // newest parsed critique of the refinement
    /// Per aspect of critiqueUsed (its order), then aspects only the refinement's
    /// critique has; `after` is 0 when the refinement is not judged yet.
    std::vector<AspectChange> aspectChanges;
};

/// Sort keys for prompts(): "id", "score" (best), "gap", "state", "candidates".
/// Prompts without a score sort below every scored prompt.
class ExplorerRepository {
public:
    explicit ExplorerRepository(Database &db) : m_db(db) {}

    std::vector<PromptSummary> prompts(const PageRequest &page, const PromptFilter &filter = {});
    /// The ids of every matching prompt in the order of `sortKey`. Sorting by
    /// score, gap or state, or filtering by state, has to summarise every prompt
    /// (about a second at a million critiques): callers run it off the GUI thread
    /// and then page through the ids with promptsByIds().
    std::vector<std::int64_t> promptOrder(const std::string &sortKey, bool descending, const PromptFilter &filter = {});
    /// Summaries of these prompts in the given order; ids that do not exist are left out.
    std::vector<PromptSummary> promptsByIds(const std::vector<std::int64_t> &ids);
    std::int64_t countPrompts(const PromptFilter &filter = {});
    PromptSummary prompt(std::int64_t promptId); // rlrf::Error when missing

    /// Samples and refinements in (iteration, id) order, each with its critiques.
    std::vector<CandidateWithCritiques> candidatesOf(std::int64_t promptId);
    /// Throws rlrf::Error when `refinedId` is missing or not a refinement.
    RefinementView refinement(std::int64_t refinedId);

private:
    Database &m_db;
};

} // namespace rlrf::store
