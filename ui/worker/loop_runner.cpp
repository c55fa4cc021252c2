// SPDX-License-Identifier: GPL-3.0-or-later
#include "worker/loop_runner.h"

#include "core/logging.h"

#include <QThread>

namespace rlrf::ui {

LoopRunner::LoopRunner(QObject *parent) : QObject(parent) {}

LoopRunner::~LoopRunner()
{
    if (!m_thread)
        return;
    m_context.cancel.requestStop();
    m_thread->wait(); // a batch ends in seconds; leaving earlier would tear the run down under it
}

bool LoopRunner::start(Work work)
{
    if (m_thread)
        return false;
    m_context = RunContext{};
    m_result = std::make_shared<JobResult>();
    auto result = m_result;
    const RunContext context = m_context; // shares the cancel token
    m_thread = QThread::create([work = std::move(work), context, result] {
        try {
            *result = work(context);
        } catch (const std::exception &e) {
            *result = {Outcome::Failed, QString::fromStdString(e.what())};
        } catch (...) {
            *result = {Outcome::Failed, QStringLiteral("unknown error")};
        }
    });
    m_thread->setObjectName(QStringLiteral("loop run"));
    connect(m_thread, &QThread::finished, this, [this] {
        m_thread->deleteLater();
        m_thread = nullptr;
        const JobResult ended = *m_result;
        if (ended.outcome == Outcome::Failed)
            log::get("workbench")->error("run failed: {}", ended.message.toStdString());
        Q_EMIT finished(ended.outcome, ended.message);
    });
    m_thread->start();
    return true;
}

void LoopRunner::stop()
{
    if (m_thread)
        m_context.cancel.requestStop();
}

} // namespace rlrf::ui
