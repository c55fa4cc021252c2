// SPDX-License-Identifier: GPL-3.0-or-later
// The GUI's handle on the open project. Opening (migration and integrity check)
// and every write run as jobs on the backend thread through one writer
// connection that lives there; the views read through a second, read-only
// connection on the GUI thread with short paged queries, which WAL lets run
// beside the writer without waiting for it.
#pragma once

#include "worker/job_controller.h"

#include "store/project_status.h"

#include <QObject>

#include <functional>
#include <map>
#include <memory>
#include <optional>

namespace rlrf::store {
class Database;
class Project;
} // namespace rlrf::store

namespace rlrf::ui {

/// Work on the open project, run on the backend thread with the writer connection.
using ProjectJob = std::function<JobResult(store::Project &project, const RunContext &context)>;

class ProjectSession : public QObject {
    Q_OBJECT
public:
    explicit ProjectSession(JobController *jobs, QObject *parent = nullptr);
    ~ProjectSession() override;

    JobController *jobs() const { return m_jobs; }
    bool isOpen() const { return m_reader != nullptr; }
    /// The file has no write permission: it was opened for reading only.
    bool readOnly() const;
    QString path() const { return m_path; }
    /// Counts read when the project was opened or last changed; empty when closed.
    const std::optional<store::ProjectStatus> &status() const { return m_status; }
    /// The GUI thread's read connection; nullptr while no project is open.
    store::Database *reader() const { return m_reader.get(); }

    /// Opens `path` on the backend thread; emits opened() or openFailed().
    void open(const QString &path);
    void close();

    /// Runs `job` on the backend thread with the project; `done` (optional) runs on
    /// the GUI thread afterwards. A successful job is followed by changed().
    /// Returns the job id, or 0 when no project is open.
    int run(const QString &name, ProjectJob job, std::function<void(Outcome, const QString &)> done = {});
    /// Another connection (a run going on its own thread or in another process)
    /// wrote to the file: re-reads the status and emits changed().
    void noteWrittenElsewhere();
    /// The same for a job that only reads (a long query): no changed() after it.
    int read(const QString &name, ProjectJob job, std::function<void(Outcome, const QString &)> done = {});

Q_SIGNALS:
    void opened(const QString &path);
    void openFailed(const QString &path, const QString &message);
    void closed();
    /// A job wrote to the project; views re-read what they show.
    void changed();
    /// status() was re-read after a change.
    void statusChanged();

private:
    void onJobFinished(int jobId, Outcome outcome, const QString &message);
    int start(const QString &name, ProjectJob job, std::function<void(Outcome, const QString &)> done);
    void refreshStatus();

    JobController *m_jobs;
    QString m_path;
    // The writer: created, used and released only inside jobs (backend thread).
    std::shared_ptr<std::unique_ptr<store::Project>> m_writer;
    std::unique_ptr<store::Database> m_reader;
    std::optional<store::ProjectStatus> m_status;
    std::map<int, std::function<void(Outcome, const QString &)>> m_pending;
};

} // namespace rlrf::ui
