// SPDX-License-Identifier: GPL-3.0-or-later
// Candidates (sampled answers) and refinements (candidates with a parent candidate
// and the critique that the refinement was written from).
#pragma once

#include "types/records.h"

#include <optional>
#include <vector>

namespace rlrf::store {

class Database;

/// Sort keys for page(): "id", "prompt", "iteration", "token_count".
class CandidateRepository {
public:
    explicit CandidateRepository(Database &db) : m_db(db) {}

    /// Inserts a candidate or a refinement. A refinement must name its parent and
    /// the critique used; both must belong to the same prompt (rlrf::Error otherwise).
    std::int64_t insert(const CandidateRecord &candidate);
    CandidateRecord byId(std::int64_t id);

    /// Everything (samples and refinements), or those of one prompt: the row
    /// count of a paged view over page().
    std::int64_t count(std::optional<std::int64_t> promptId = {});
    std::int64_t countSamples();      // candidates that are not refinements
    std::int64_t countRefinements();
    std::vector<CandidateRecord> page(const PageRequest &page, std::optional<std::int64_t> promptId = {});
    std::vector<CandidateRecord> forPrompt(std::int64_t promptId);
    std::vector<CandidateRecord> refinementsOf(std::int64_t candidateId);

private:
    void checkLineage(const CandidateRecord &candidate);

    Database &m_db;
};

} // namespace rlrf::store
