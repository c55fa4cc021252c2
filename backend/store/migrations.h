// SPDX-License-Identifier: GPL-3.0-or-later
// The project file's schema as an ordered list of migrations keyed on SQLite's
// PRAGMA user_version. A file is brought up to date step by step, each step in its
// own transaction; a file newer than this build is refused, never "downgraded".
#pragma once

#include <string>
#include <vector>

namespace rlrf::store {

class Database;

struct Migration {
    int version;             ///< user_version after this step (1, 2, ...)
    std::string description; ///< one line, for logs
    std::string sql;
};

/// "RLRF" in ASCII; stored in PRAGMA application_id to tell a project file from
/// any other SQLite file.
inline constexpr int kApplicationId = 0x524C5246;

const std::vector<Migration> &migrations();
int latestSchemaVersion();

/// Applies the missing migrations up to `targetVersion` (default: the latest).
/// Throws rlrf::Error naming the file when it is newer than this build or is an
/// SQLite file of some other program.
void migrate(Database &db, int targetVersion = -1);

/// The same over an explicit list (ascending versions). A step that fails is
/// rolled back whole and reported with its version; earlier steps stay applied.
void migrate(Database &db, const std::vector<Migration> &steps, int targetVersion);

} // namespace rlrf::store
