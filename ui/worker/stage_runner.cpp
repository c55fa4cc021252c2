// SPDX-License-Identifier: GPL-3.0-or-later
#include "worker/stage_runner.h"

#include "string_convert.h"

#include "pipeline/critique/prompt_judging.h"
#include "pipeline/sample/prompt_sampling.h"

#include <QPointer>

namespace rlrf::ui {

StageRunner::StageRunner(ProjectSession *session, QObject *parent)
    : QObject(parent)
    , m_session(session)
{
    connect(m_session->jobs(), &JobController::jobProgress, this,
            [this](int id, qint64 done, qint64 total, const QString &stage, double eta) {
                if (id == m_jobId)
                    Q_EMIT progress(done, total, stage, eta);
            });
}

bool StageRunner::start(StageJob job)
{
    if (m_jobId != 0 || !m_session->isOpen())
        return false;
    const QString name = job.name;
    m_jobId = m_session->run(name, std::move(job.run),
                             [self = QPointer<StageRunner>(this)](Outcome outcome, const QString &message) {
                                 if (!self)
                                     return;
                                 self->m_jobId = 0;
                                 Q_EMIT self->finished(outcome, message);
                             });
    if (m_jobId == 0)
        return false;
    Q_EMIT started(name);
    return true;
}

void StageRunner::cancel()
{
    if (m_jobId != 0)
        m_session->jobs()->cancel(m_jobId);
}

StageJob judgePromptsStage(std::vector<std::int64_t> promptIds, const QString &judgeSpec)
{
    pipeline::PromptJudgingRequest request;
    request.promptIds = std::move(promptIds);
    request.judgeSpec = toStdString(judgeSpec);
    const QString name = QObject::tr("Judge %n prompt(s) with %1", nullptr, static_cast<int>(request.promptIds.size()))
                             .arg(judgeSpec);
    return {name, [request](store::Project &project, const RunContext &context) {
                const auto summary = pipeline::judgePrompts(project, request, context);
                const QString text = QObject::tr("%1 critiques stored, %2 parse failures")
                                         .arg(summary.judged)
                                         .arg(summary.parseFailures);
                return JobResult{summary.cancelled ? Outcome::Cancelled : Outcome::Succeeded, text};
            }};
}

StageJob samplePromptsStage(std::vector<std::int64_t> promptIds, int samplesPerPrompt)
{
    pipeline::PromptSamplingRequest request;
    request.promptIds = std::move(promptIds);
    request.samplesPerPrompt = samplesPerPrompt;
    const QString name = QObject::tr("Sample %1 per prompt for %n prompt(s)", nullptr,
                                     static_cast<int>(request.promptIds.size()))
                             .arg(samplesPerPrompt);
    return {name, [request](store::Project &project, const RunContext &context) {
                const auto summary = pipeline::samplePrompts(project, request, context);
                return JobResult{summary.cancelled ? Outcome::Cancelled : Outcome::Succeeded,
                                 QObject::tr("%1 candidates stored").arg(summary.candidates)};
            }};
}

} // namespace rlrf::ui
