// SPDX-License-Identifier: GPL-3.0-or-later
#include "project_session.h"

#include "string_convert.h"

#include "core/error.h"
#include "core/logging.h"
#include "store/database.h"
#include "store/project_file.h"

#include <QElapsedTimer>

namespace rlrf::ui {

ProjectSession::ProjectSession(JobController *jobs, QObject *parent)
    : QObject(parent)
    , m_jobs(jobs)
{
    connect(m_jobs, &JobController::jobFinished, this, &ProjectSession::onJobFinished);
}

ProjectSession::~ProjectSession() = default;

void ProjectSession::open(const QString &path)
{
    close();
    auto writer = std::make_shared<std::unique_ptr<store::Project>>();
    auto status = std::make_shared<store::ProjectStatus>();
    const std::string file = toStdString(path);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    const int id = m_jobs->start(tr("Open %1").arg(path), [writer, status, file](const RunContext &) {
        *writer = std::make_unique<store::Project>(store::Project::open(file)); // migrates, checks
        *status = store::projectStatus(**writer);
        return JobResult{Outcome::Succeeded, QStringLiteral("opened")};
    });
    m_pending[id] = [this, writer, status, path, clock](Outcome outcome, const QString &message) {
        if (outcome != Outcome::Succeeded) {
            Q_EMIT openFailed(path, message);
            return;
        }
        try {
            m_reader = std::make_unique<store::Database>(toStdString(path), store::OpenMode::OpenExisting);
        } catch (const Error &e) {
            Q_EMIT openFailed(path, toQString(e.what()));
            return;
        }
        m_writer = writer;
        m_status = *status;
        m_path = path;
        log::get("workbench")->info("project ready in {} ms (checked, counted): {} prompts, {} critiques",
                                    clock->elapsed(), status->prompts, status->critiques);
        Q_EMIT opened(path);
    };
}

bool ProjectSession::readOnly() const
{
    return m_reader && m_reader->readOnly();
}

void ProjectSession::close()
{
    if (!m_reader)
        return;
    // The writer is released on the backend thread, after any job still queued.
    auto writer = std::move(m_writer);
    m_jobs->start(tr("Close project"), [writer](const RunContext &) {
        writer->reset();
        return JobResult{Outcome::Succeeded, QStringLiteral("closed")};
    });
    m_reader.reset();
    m_status.reset();
    m_path.clear();
    Q_EMIT closed();
}

int ProjectSession::start(const QString &name, ProjectJob job, std::function<void(Outcome, const QString &)> done)
{
    if (!m_writer)
        return 0;
    auto writer = m_writer;
    const int id = m_jobs->start(name, [writer, job = std::move(job)](const RunContext &context) {
        if (!*writer)
            throw Error("the project was closed before the job ran");
        return job(**writer, context);
    });
    m_pending[id] = std::move(done);
    return id;
}

int ProjectSession::run(const QString &name, ProjectJob job, std::function<void(Outcome, const QString &)> done)
{
    return start(name, std::move(job), [this, done = std::move(done)](Outcome outcome, const QString &message) {
        if (outcome == Outcome::Succeeded && isOpen())
            refreshStatus();
        if (done)
            done(outcome, message);
        if (outcome != Outcome::Failed && isOpen())
            Q_EMIT changed(); // a cancelled job may have stored its finished batches
    });
}

int ProjectSession::read(const QString &name, ProjectJob job, std::function<void(Outcome, const QString &)> done)
{
    return start(name, std::move(job), [done = std::move(done)](Outcome outcome, const QString &message) {
        if (done)
            done(outcome, message);
    });
}

void ProjectSession::noteWrittenElsewhere()
{
    if (!isOpen())
        return;
    refreshStatus();
    Q_EMIT changed();
}

void ProjectSession::refreshStatus()
{
    // Counts only (indexed count(*) queries); the status of a big project is read
    // here rather than after every batch.
    auto writer = m_writer;
    auto status = std::make_shared<store::ProjectStatus>();
    const int id = m_jobs->start(tr("Read project status"), [writer, status](const RunContext &) {
        if (*writer)
            *status = store::projectStatus(**writer);
        return JobResult{Outcome::Succeeded, {}};
    });
    m_pending[id] = [this, status](Outcome outcome, const QString &) {
        if (outcome == Outcome::Succeeded && isOpen()) {
            m_status = *status;
            Q_EMIT statusChanged();
        }
    };
}

void ProjectSession::onJobFinished(int jobId, Outcome outcome, const QString &message)
{
    const auto it = m_pending.find(jobId);
    if (it == m_pending.end())
        return;
    auto done = std::move(it->second);
    m_pending.erase(it);
    if (outcome == Outcome::Failed)
        log::get("workbench")->error("{}", toStdString(message));
    if (done)
        done(outcome, message);
}

} // namespace rlrf::ui
