// SPDX-License-Identifier: GPL-3.0-or-later
// The held-out queries of a Reflect-Retry-Reward run's evaluations (before and
// after training), each with the first try, the model's own reflection and its
// retry, and the retry after the task's perfect reflection: the reflection
// headroom of the run. Torch-free; the GUI reads it as it is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rlrf::store {

class Database;

/// The two evaluations of a run, as the phase column names them.
inline const char *const kRrrPhaseBefore = "before";
inline const char *const kRrrPhaseAfter = "after";

/// One query of one evaluation. Reflection and retry texts are empty (and their
/// verdicts false) where the first try was right; the oracle's also where the
/// task has no perfect reflection for it.
struct RrrEvalQueryRecord {
    std::int64_t position = 0; // the query's place in the evaluation, from 0
    std::string problemId;
    std::string prompt;
    std::string firstAttempt;
    bool firstCorrect = false;
    std::string ownReflection;
    std::string ownRetry;
    bool ownCorrect = false;
    std::string oracleReflection;
    std::string oracleRetry;
    bool oracleCorrect = false;

    bool hasOracle() const { return !oracleReflection.empty(); }
};

/// Of an evaluation's failed first tries: how many the retry after the model's
/// own reflection solved, and how many of those with a perfect reflection the
/// retry after it solved.
struct RrrHeadroom {
    std::int64_t queries = 0;
    std::int64_t failures = 0;
    std::int64_t ownSolved = 0;
    std::int64_t oracleAvailable = 0;
    std::int64_t oracleSolved = 0;

    /// ownSolved / failures (0 without failures).
    double ownShare() const;
    /// oracleSolved / oracleAvailable; nothing when no failure had an oracle.
    std::optional<double> oracleShare() const;
};

RrrHeadroom headroomOf(const std::vector<RrrEvalQueryRecord> &queries);

class RrrEvalRepository {
public:
    explicit RrrEvalRepository(Database &db) : m_db(db) {}

    /// Replaces the run's queries of `phase` ("before" or "after") with `queries`,
    /// in one transaction (a savepoint inside the caller's), so an evaluation
    /// written again never adds rows. Throws rlrf::Error for another phase or a
    /// run that does not exist; nothing is written then.
    void replace(std::int64_t runId, const std::string &phase, const std::vector<RrrEvalQueryRecord> &queries);

    /// In position order; empty when none were recorded (a run evaluated before
    /// the table existed, or not yet evaluated).
    std::vector<RrrEvalQueryRecord> queries(std::int64_t runId, const std::string &phase);
    /// The headroom of the recorded queries; nothing when none are recorded.
    std::optional<RrrHeadroom> headroom(std::int64_t runId, const std::string &phase);
    std::int64_t count(std::int64_t runId);

private:
    Database &m_db;
};

} // namespace rlrf::store
