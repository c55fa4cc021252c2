// SPDX-License-Identifier: GPL-3.0-or-later
// GUI-thread owner of the backend thread and its worker. Views hand it jobs
// (plain functions of a RunContext that call into the backend); it runs them one
// at a time on the backend thread and reports progress, metrics and the end as
// queued signals, so the GUI thread never blocks on LibTorch or SQL.
#pragma once

#include "worker/meta_types.h"

#include "core/run_context.h"

#include <QElapsedTimer>
#include <QObject>
#include <QThread>

#include <functional>
#include <map>
#include <optional>

namespace rlrf::ui {

class BackendWorker;

/// What a job returns: how it ended and a message for the status bar/log.
struct JobResult {
    Outcome outcome = Outcome::Succeeded;
    QString message;
};

/// Runs on the backend thread. Exceptions are caught and reported as failures.
using JobFunction = std::function<JobResult(const RunContext &context)>;

class JobController : public QObject {
    Q_OBJECT
public:
    explicit JobController(QObject *parent = nullptr);
    ~JobController() override; // stops the running job, then the thread (bounded wait)

    // Runtime facts once the worker has initialised; empty before.
    const std::optional<RuntimeInfo> &runtimeInfo() const { return m_info; }

    /// Queues a job; returns its id (1, 2, ...). Jobs run in order, one at a time.
    int start(const QString &name, JobFunction job);
    /// Asks the running job to stop between batches (sets its CancelToken now,
    /// not through the event queue).
    void cancel(int jobId);
    bool isBusy() const { return m_running > 0; }

Q_SIGNALS:
    void backendReady(const rlrf::RuntimeInfo &info);
    void jobStarted(int jobId, const QString &name);
    /// `etaSeconds` < 0 when unknown (no total yet or nothing done).
    void jobProgress(int jobId, qint64 done, qint64 total, const QString &stage, double etaSeconds);
    void jobMetric(int jobId, qint64 step, const QString &key, double value);
    void jobFinished(int jobId, rlrf::Outcome outcome, const QString &message);

private:
    QThread m_thread;
    BackendWorker *m_worker;
    std::optional<RuntimeInfo> m_info;
    int m_nextId = 1;
    int m_running = 0;
    std::map<int, CancelToken> m_tokens;
};

} // namespace rlrf::ui
