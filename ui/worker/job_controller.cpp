#include "worker/job_controller.h"

#include "worker/backend_worker.h"

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
    m_thread.quit();
    m_thread.wait(10000);
}

} // namespace rlrf::ui
