// SPDX-License-Identifier: GPL-3.0-or-later
// Prompt sets (one per import) and their prompts.
#pragma once

#include "types/records.h"

#include <map>
#include <optional>
#include <vector>

namespace rlrf::store {

class Database;

/// Sort keys for page(): "id", "split", "source_row", "text".
class PromptRepository {
public:
    explicit PromptRepository(Database &db) : m_db(db) {}

    std::int64_t createSet(const PromptSetRecord &set);
    std::vector<PromptSetRecord> sets();

    /// Inserts one prompt; its prompt set must exist. Returns the new id. Batch
    /// callers wrap many inserts in one Transaction.
    std::int64_t insert(const PromptRecord &prompt);
    PromptRecord byId(std::int64_t id);

    std::int64_t count(std::optional<Split> split = {});
    std::map<Split, std::int64_t> countBySplit();
    std::vector<PromptRecord> page(const PageRequest &page, std::optional<Split> split = {});

private:
    Database &m_db;
};

} // namespace rlrf::store
