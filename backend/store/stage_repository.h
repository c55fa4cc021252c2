// SPDX-License-Identifier: GPL-3.0-or-later
// The pipeline's progress, keyed by (run, iteration, stage): which prompts a stage
// has finished, which rows it wrote for them, whether the stage is done and how
// long it took. A stage records a batch of prompts in the same transaction as the
// rows it wrote, so a run killed at any moment resumes with exactly the prompts
// that have no output yet — nothing duplicated, nothing lost.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace rlrf::store {

class Database;

struct StageKey {
    std::int64_t runId = 0;
    int iteration = 0;
    std::string stage; // "prompts", "sample", "critique", "refine", "pairs", "train", "evaluate", ...
};

struct StageTime {
    int iteration = 0;
    std::string stage;
    bool done = false;
    double seconds = 0.0; // summed over every attempt (a resumed stage adds up)
};

class StageRepository {
public:
    explicit StageRepository(Database &db) : m_db(db) {}

    bool isDone(const StageKey &key);
    /// Creates the stage's row as running when absent (a resumed stage keeps its time).
    void begin(const StageKey &key);
    void markDone(const StageKey &key);
    void addSeconds(const StageKey &key, double seconds);
    /// Every stage of a run, by iteration then first start.
    std::vector<StageTime> times(std::int64_t runId);

    /// One output row of a prompt (`itemId` empty: done with nothing to write).
    /// Callers wrap a batch of records and its rows in one Transaction.
    void record(const StageKey &key, std::int64_t promptId, std::optional<std::int64_t> itemId);
    /// The prompts with at least one row.
    std::set<std::int64_t> donePrompts(const StageKey &key);
    /// The prompts with rows, in the order they were first recorded.
    std::vector<std::int64_t> prompts(const StageKey &key);
    /// The non-empty item ids, in the order recorded.
    std::vector<std::int64_t> items(const StageKey &key);
    /// The non-empty item ids of one prompt, in the order recorded.
    std::vector<std::int64_t> items(const StageKey &key, std::int64_t promptId);
    /// Duplicate (prompt, item) rows: 0 in any healthy project; for checks and tests.
    std::int64_t duplicateItems(const StageKey &key);

    /// Sets a cancelled or failed run back to running, for a resume.
    void reopenRun(std::int64_t runId);

private:
    Database &m_db;
};

} // namespace rlrf::store
