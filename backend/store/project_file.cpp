// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/project_file.h"

#include "core/error.h"
#include "store/migrations.h"
#include "store/transaction.h"

#include <algorithm>
#include <string>
#include <vector>

namespace rlrf::store {
namespace {

void setMeta(Database &db, const std::string &key, const std::string &value)
{
    db.prepare("INSERT INTO project_meta (key, value) VALUES (?, ?) "
               "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bindAll(key, value)
        .run();
}

// SQLite's quick check reports up to 100 problems in its first row, one per line,
// under a "*** in database main ***" heading (stepping further on a damaged file
// fails with "malformed"); a page it cannot read is usually followed by dozens of
// "Page N is never used". The first problem says what is wrong; the rest are
// counted, so the message stays one line.
std::string damageReport(const std::string &text)
{
    std::vector<std::string> problems;
    for (std::size_t start = 0; start <= text.size();) {
        const auto end = std::min(text.find('\n', start), text.size());
        const std::string line = text.substr(start, end - start);
        if (!line.empty() && line.rfind("*** in database", 0) != 0)
            problems.push_back(line);
        start = end + 1;
    }
    if (problems.empty())
        return text;
    std::string report = problems.front();
    if (problems.size() > 1)
        report += " (and " + std::to_string(problems.size() - 1) + " more problem"
            + (problems.size() > 2 ? "s" : "") + " SQLite's quick check found)";
    return report;
}

} // namespace

Project::Project(Database db)
    : m_db(std::move(db))
{
}

Project Project::create(const std::string &path, const ProjectInfo &info)
{
    if (info.task.empty())
        throw Error("a project needs a task name", {path, 0, "task"});
    Database db(path, OpenMode::CreateNew);
    migrate(db);
    Transaction tx(db);
    setMeta(db, "task", info.task);
    setMeta(db, "model_dir", info.modelDir);
    db.exec("INSERT INTO project_meta (key, value) "
            "VALUES ('created_at', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
    tx.commit();
    return Project(std::move(db));
}

Project Project::open(const std::string &path)
{
    const bool readOnly = isReadOnlyFile(path);
    Database db(path, readOnly ? OpenMode::ReadOnly : OpenMode::OpenExisting);
    // An empty SQLite file (or a zero-byte one) is not silently turned into a project.
    if (db.userVersion() == 0 && db.scalar("SELECT count(*) FROM sqlite_master") == 0)
        throw Error("not an RLRF project (it has no project schema); create one with `rlrf project new`",
                    {path, 0, {}});
    // Checked before any migration writes to it: a damaged file is left as it is.
    {
        Statement check = db.prepare("PRAGMA quick_check");
        if (check.step() && check.textAt(0) != "ok")
            throw Error("the project file is damaged: " + damageReport(check.textAt(0))
                            + "; open a backup copy instead (this file was not changed)",
                        {path, 0, {}});
    }
    if (!readOnly)
        migrate(db);
    else if (db.userVersion() < latestSchemaVersion())
        throw Error("the project file is read-only and was written by an older version: make it writable once "
                    "(chmod u+w) so it can be upgraded",
                    {path, 0, {}});
    return Project(std::move(db));
}

void Project::requireWritable(const std::string &what) const
{
    if (readOnly())
        throw Error("the project file is read-only (no write permission), so it cannot " + what
                        + "; make it writable (chmod u+w) or work on a copy",
                    {path(), 0, {}});
}

ProjectInfo Project::info()
{
    ProjectInfo info;
    Statement st = m_db.prepare("SELECT key, value FROM project_meta");
    while (st.step()) {
        const std::string key = st.textAt(0);
        if (key == "task")
            info.task = st.textAt(1);
        else if (key == "model_dir")
            info.modelDir = st.textAt(1);
        else if (key == "created_at")
            info.createdAt = st.textAt(1);
    }
    info.schemaVersion = m_db.userVersion();
    return info;
}

std::vector<std::string> Project::integrityProblems()
{
    std::vector<std::string> problems;
    Statement integrity = m_db.prepare("PRAGMA integrity_check");
    while (integrity.step())
        if (integrity.textAt(0) != "ok")
            problems.push_back(integrity.textAt(0));
    Statement keys = m_db.prepare("PRAGMA foreign_key_check");
    while (keys.step())
        problems.push_back("foreign key: table " + keys.textAt(0) + " row "
                           + std::to_string(keys.int64At(1)) + " points to a missing row in "
                           + keys.textAt(2));
    return problems;
}

} // namespace rlrf::store
