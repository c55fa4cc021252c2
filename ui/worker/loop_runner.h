// SPDX-License-Identifier: GPL-3.0-or-later
// Runs one long loop (an RLRF or RRR run) on a thread of its own, so the
// backend worker's queue stays free for the views' jobs (approving pairs,
// reading the project status) while the run goes on for hours. The run reports
// nothing through signals but its end: the Run area follows it through the
// project file, as it follows a run started in a terminal.
#pragma once

#include "core/run_context.h"
#include "worker/job_controller.h"

#include <QObject>

#include <functional>
#include <memory>

class QThread;

namespace rlrf::ui {

class LoopRunner : public QObject {
    Q_OBJECT
public:
    using Work = std::function<JobResult(const RunContext &context)>;

    explicit LoopRunner(QObject *parent = nullptr);
    ~LoopRunner() override; // asks the run to stop and waits for its batch to end

    /// False (nothing starts) while a run is going.
    bool start(Work work);
    /// Stops after the current batch (sets the cancel token at once).
    void stop();
    bool isRunning() const { return m_thread != nullptr; }

Q_SIGNALS:
    void finished(rlrf::Outcome outcome, const QString &message);

private:
    QThread *m_thread = nullptr;
    RunContext m_context;
    std::shared_ptr<JobResult> m_result;
};

} // namespace rlrf::ui
