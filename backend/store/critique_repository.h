// SPDX-License-Identifier: GPL-3.0-or-later
// Critiques with their per-aspect rows, the judge that wrote them, the rubric
// version used and the judge's raw output (kept even when parsing failed).
#pragma once

#include "types/records.h"

#include <vector>

namespace rlrf::store {

class Database;
class Statement;

struct NewCritique {
    std::int64_t candidateId = 0;
    std::optional<std::int64_t> rubricVersionId;
    feedback::Critique critique;
};

/// Sort keys for page(): "id", "candidate", "overall", "judge".
class CritiqueRepository {
public:
    explicit CritiqueRepository(Database &db) : m_db(db) {}

    /// Validates (ratings 0-3, overall in [0, 1], a failed parse names its error,
    /// no aspect twice) and inserts one critique with its aspect rows.
    std::int64_t insert(const NewCritique &critique);
    /// All or nothing: one transaction for the whole batch. Returns the new ids.
    std::vector<std::int64_t> insertBatch(const std::vector<NewCritique> &critiques);

    CritiqueRecord byId(std::int64_t id);
    std::vector<CritiqueRecord> forCandidate(std::int64_t candidateId);
    /// Every critique of every candidate (and refinement) of one prompt, by
    /// candidate then critique id.
    std::vector<CritiqueRecord> forPrompt(std::int64_t promptId);

    std::int64_t count();
    std::int64_t countParseFailures();
    std::vector<CritiqueRecord> page(const PageRequest &page);

private:
    void validate(const NewCritique &critique) const;
    std::vector<CritiqueRecord> readWithAspects(Statement &st);

    Database &m_db;
};

} // namespace rlrf::store
