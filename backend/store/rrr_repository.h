// SPDX-License-Identifier: GPL-3.0-or-later
// Reflect-Retry-Reward artefacts of a run: the mined failed attempts and, per
// training step, every reflection with its retry, reward and advantage.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::store {

class Database;

struct RrrFailureRecord {
    std::int64_t id = 0;
    std::int64_t runId = 0;
    std::string problemId;
    std::string prompt;
    std::string referenceAnswer;
    std::string attempt;
    std::string reason; // the verifier's
};

struct RrrReflectionRecord {
    std::int64_t id = 0;
    std::int64_t failureId = 0;
    std::int64_t step = 0; // 1-based optimizer step that used it
    std::string reflection;
    std::string retry;
    double reward = 0.0;
    double advantage = 0.0;
    std::int64_t reflectionTokens = 0;
};

class RrrRepository {
public:
    explicit RrrRepository(Database &db) : m_db(db) {}

    /// One transaction; returns the new ids in order.
    std::vector<std::int64_t> addFailures(const std::vector<RrrFailureRecord> &failures);
    /// One transaction. A non-finite reward or advantage is an error naming the field.
    void addReflections(const std::vector<RrrReflectionRecord> &reflections);

    std::vector<RrrFailureRecord> failures(std::int64_t runId);
    /// Removes the run's reflections of steps after `step` (a run continuing
    /// from its checkpoint at that step samples them again).
    void dropReflectionsAfter(std::int64_t runId, std::int64_t step);
    std::vector<RrrReflectionRecord> reflections(std::int64_t failureId);
    std::int64_t reflectionCount(std::int64_t runId);

private:
    Database &m_db;
};

} // namespace rlrf::store
