// GUI-thread owner of the backend thread and its worker.
#pragma once

#include "worker/meta_types.h"

#include <QObject>
#include <QThread>

#include <optional>

namespace rlrf::ui {

class BackendWorker;

class JobController : public QObject {
    Q_OBJECT
public:
    explicit JobController(QObject *parent = nullptr);
    ~JobController() override; // stops the thread (bounded wait)

    // Runtime facts once the worker has initialised; empty before.
    const std::optional<RuntimeInfo> &runtimeInfo() const { return m_info; }

Q_SIGNALS:
    void backendReady(const rlrf::RuntimeInfo &info);

private:
    QThread m_thread;
    BackendWorker *m_worker;
    std::optional<RuntimeInfo> m_info;
};

} // namespace rlrf::ui
