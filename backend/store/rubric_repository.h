// SPDX-License-Identifier: GPL-3.0-or-later
// Rubric versions: saving a rubric whose canonical text differs from the latest
// version of the same name creates version n + 1; saving an unchanged one returns
// the existing version. Every critique points at the version it was judged with.
#pragma once

#include "types/records.h"
#include "types/rubric.h"

#include <optional>
#include <vector>

namespace rlrf::store {

class Database;

class RubricRepository {
public:
    explicit RubricRepository(Database &db) : m_db(db) {}

    RubricVersion save(const feedback::Rubric &rubric);
    std::optional<RubricVersion> latest(const std::string &name);
    /// The most recently saved version of any rubric: the project's current one.
    std::optional<RubricVersion> current();
    RubricVersion byId(std::int64_t id);
    std::vector<RubricVersion> versions(const std::string &name);
    /// The stored JSON parsed back into a Rubric.
    feedback::Rubric load(const RubricVersion &version);

private:
    Database &m_db;
};

} // namespace rlrf::store
