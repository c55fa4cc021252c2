// SPDX-License-Identifier: GPL-3.0-or-later
// The answers an evaluation judged, one per (run, model iteration, split, prompt):
// the greedy answer, the judge's overall score, the verifier's verdict and the
// aspect ratings. What eval_results aggregates and what the win rate of M_i
// against M_{i-1} compares, prompt by prompt. Torch-free, Qt-free.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rlrf::store {

class Database;

struct EvalAnswerRecord {
    std::int64_t runId = 0;
    int iteration = 0;            // the model M_iteration that answered
    std::string split;            // "test", "validation", ...
    std::int64_t promptId = 0;
    std::string answer;
    double overall = 0.0;         // the judge's overall score, [0, 1]
    std::optional<bool> correct;  // the verifier's verdict; none for a task without one
    std::string ratingsJson = "{}"; // {"aspect": rating 1-3, ...}; applicable aspects only
};

class EvalAnswerRepository {
public:
    explicit EvalAnswerRepository(Database &db) : m_db(db) {}

    /// Writes the rows in one transaction (a savepoint inside the caller's). A row
    /// for a (run, iteration, split, prompt) already stored replaces it, so an
    /// evaluation that runs again never duplicates answers. Throws rlrf::Error
    /// naming the field for an empty split, a negative iteration, a non-finite
    /// score or ratings that are not a JSON object; nothing is written then.
    void put(const std::vector<EvalAnswerRecord> &rows);

    /// The answers of M_iteration in a run and split, by prompt id.
    std::vector<EvalAnswerRecord> forModel(std::int64_t runId, int iteration, const std::string &split);
    std::int64_t count(std::int64_t runId);

private:
    void validate(const EvalAnswerRecord &row) const;

    Database &m_db;
};

} // namespace rlrf::store
