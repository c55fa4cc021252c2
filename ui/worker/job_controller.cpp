// SPDX-License-Identifier: GPL-3.0-or-later
#include "worker/job_controller.h"

#include "worker/backend_worker.h"

#include "core/logging.h"

#include <exception>

namespace rlrf::ui {

JobController::JobController(QObject *parent)
    : QObject(parent)
    , m_worker(new BackendWorker)
{
    registerMetaTypes();
    m_thread.setObjectName(QStringLiteral("rlrf-backend"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &BackendWorker::initialised, this, [this](const RuntimeInfo &info) {
        m_info = info;
        Q_EMIT backendReady(info);
    });
    m_thread.start();
    QMetaObject::invokeMethod(m_worker, &BackendWorker::initialise, Qt::QueuedConnection);
}

JobController::~JobController()
{
    for (auto &[id, token] : m_tokens)
        token.requestStop();
    m_thread.quit();
    m_thread.wait(10000);
}

int JobController::start(const QString &name, JobFunction job)
{
    const int id = m_nextId++;
    ++m_running;
    RunContext context;
    m_tokens[id] = context.cancel;
    // The callbacks run on the backend thread: they only post queued calls to this
    // object. The destructor waits for the thread, so `this` outlives them, and
    // Qt drops calls still queued when it goes.
    JobController *self = this;
    auto timer = std::make_shared<QElapsedTimer>();
    context.onProgress = [self, id, timer](const Progress &p) {
        const double elapsed = timer->elapsed() / 1000.0;
        const double eta = (p.total > 0 && p.done > 0) ? elapsed * double(p.total - p.done) / double(p.done) : -1.0;
        const QString stage = QString::fromStdString(p.stage);
        QMetaObject::invokeMethod(self, [self, id, p, stage, eta] {
            Q_EMIT self->jobProgress(id, p.done, p.total, stage, eta);
        }, Qt::QueuedConnection);
    };
    context.onMetric = [self, id](std::int64_t step, const std::string &key, double value) {
        const QString k = QString::fromStdString(key);
        QMetaObject::invokeMethod(self, [self, id, step, k, value] {
            Q_EMIT self->jobMetric(id, step, k, value);
        }, Qt::QueuedConnection);
    };
    QMetaObject::invokeMethod(m_worker, [self, id, name, job = std::move(job), context, timer] {
        QMetaObject::invokeMethod(self, [self, id, name] { Q_EMIT self->jobStarted(id, name); },
                                  Qt::QueuedConnection);
        timer->start();
        JobResult result;
        try {
            result = job(context);
        } catch (const std::exception &e) {
            result = {Outcome::Failed, QString::fromUtf8(e.what())};
        } catch (...) {
            result = {Outcome::Failed, QStringLiteral("unknown error")};
        }
        if (result.outcome == Outcome::Failed)
            rlrf::log::get("workbench")->error("{} failed: {}", name.toStdString(), result.message.toStdString());
        QMetaObject::invokeMethod(self, [self, id, result] {
            --self->m_running;
            self->m_tokens.erase(id);
            Q_EMIT self->jobFinished(id, result.outcome, result.message);
        }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
    return id;
}

void JobController::cancel(int jobId)
{
    const auto it = m_tokens.find(jobId);
    if (it != m_tokens.end())
        it->second.requestStop();
}

} // namespace rlrf::ui
