// SPDX-License-Identifier: GPL-3.0-or-later
// A .rlrf project: one SQLite file holding every artefact of a project. Creating
// one writes the schema and the project facts; opening one migrates an older file
// and checks its integrity.
#pragma once

#include "store/database.h"
#include "types/records.h"

#include <string>
#include <vector>

namespace rlrf::store {

class Project {
public:
    /// Creates a new project file (refuses to overwrite one). `info.createdAt` and
    /// `info.schemaVersion` are filled in by the store.
    static Project create(const std::string &path, const ProjectInfo &info);
    /// Opens an existing project, migrating it to the latest schema. Throws
    /// rlrf::Error naming the file when it is missing, not a project, newer than
    /// this build, or fails SQLite's quick integrity check.
    /// A read-only file (isReadOnlyFile) is opened for reading only, without
    /// migrating it: look with readOnly(), and writers call requireWritable().
    static Project open(const std::string &path);

    Database &db() { return m_db; }
    const std::string &path() const { return m_db.path(); }
    ProjectInfo info();

    bool readOnly() const { return m_db.readOnly(); }
    /// Throws rlrf::Error saying the file is read-only, and how to change that,
    /// before `what` (e.g. "run the loop") writes anything.
    void requireWritable(const std::string &what) const;

    /// Full PRAGMA integrity_check plus foreign_key_check; empty when healthy,
    /// otherwise SQLite's complaints, one per entry.
    std::vector<std::string> integrityProblems();

private:
    explicit Project(Database db);

    Database m_db;
};

} // namespace rlrf::store
