// SPDX-License-Identifier: GPL-3.0-or-later
// What the views use to start a pipeline stage: a named function on the open
// project, run on the backend thread, with its progress, ETA and end reported
// for that stage only. Stage functions come from the backend (judging today;
// sampling, refining and the rest as the pipeline offers them).
#pragma once

#include "project_session.h"

#include <QObject>

#include <cstdint>
#include <vector>

namespace rlrf::ui {

struct StageJob {
    QString name;   // shown in the progress line and the log ("Judge 3 prompts")
    ProjectJob run; // runs on the backend thread
};

class StageRunner : public QObject {
    Q_OBJECT
public:
    explicit StageRunner(ProjectSession *session, QObject *parent = nullptr);

    /// False (and nothing starts) when no project is open or a stage is running.
    bool start(StageJob job);
    void cancel();
    bool isRunning() const { return m_jobId != 0; }

Q_SIGNALS:
    void started(const QString &name);
    void progress(qint64 done, qint64 total, const QString &stage, double etaSeconds);
    void finished(rlrf::Outcome outcome, const QString &message);

private:
    ProjectSession *m_session;
    int m_jobId = 0;
};

/// Judges every not yet judged candidate of `promptIds` with `judgeSpec`
/// (judge_factory.h) against the project's current rubric.
StageJob judgePromptsStage(std::vector<std::int64_t> promptIds, const QString &judgeSpec);

/// Samples `samplesPerPrompt` candidates for each of `promptIds` with the
/// project's model folder (loaded on the backend thread).
StageJob samplePromptsStage(std::vector<std::int64_t> promptIds, int samplesPerPrompt);

} // namespace rlrf::ui
