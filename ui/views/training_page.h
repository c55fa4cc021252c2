// SPDX-License-Identifier: GPL-3.0-or-later
// The Training area: DPO settings, launching an iteration on the approved pairs
// on the backend thread, its live curves, pause / resume / stop, and the pairs a
// clicked step trained on.
//
// Pause stops after the current step and writes a resumable checkpoint (weights,
// AdamW moments, step, plan position); Resume continues that same run from it
// (train::runDpo's resumeFrom) with the paused run's own request: the same
// reference, settings and output folder (form changes wait for the next run), the
// step numbers and the learning-rate schedule going on where they stopped, so the
// curves look as if the run had never paused. Pairs reviewed differently in
// between make the backend refuse the resume, naming the pair set; the checkpoint
// stays resumable.
#pragma once

#include "pipeline/train/dpo_from_store.h"

#include <QWidget>

#include <memory>
#include <vector>

class QLabel;
class QListWidget;
class QPushButton;

namespace rlrf::store {
class Database;
}

namespace rlrf::ui {

class DpoSettingsForm;
class JobController;
class TrainingCurves;

class TrainingPage : public QWidget {
    Q_OBJECT
public:
    explicit TrainingPage(JobController *jobs, QWidget *parent = nullptr);

    /// Opens a project: its model as the policy, the next iteration, and the
    /// curves of its latest DPO run read back from the store.
    void setProject(const QString &path);
    /// Unless a run of this page is going: shows the project's newest DPO run
    /// (a pipeline's, running or not) as its stored points stand now. When that
    /// run is the one shown, only the steps written since are added.
    void followNewestRun();
    /// The stored run shown (0 = none) and its last step drawn.
    std::int64_t shownStoredRun() const { return m_shownRun; }
    std::int64_t shownStoredStep() const { return m_shownStep; }
    /// Plots a finished run's stored metric points; false when it has none.
    bool showStoredRun(std::int64_t runId);
    DpoSettingsForm *settings() const { return m_settings; }
    TrainingCurves *curves() const { return m_curves; }

    /// Starts a DPO iteration on the approved pairs; false (with the reason shown)
    /// when the settings are invalid or a job is running.
    bool launch();
    void pause();
    bool resume();
    void stop();
    /// The pair ids a step (as plotted) trained on; empty when unknown.
    std::vector<std::int64_t> pairsOfStep(qint64 step) const;
    void showStepPairs(qint64 step);
    QStringList shownStepPairs() const;
    QString statusText() const;
    bool isRunning() const { return m_jobId != 0; }
    /// The last finished run's result (runId 0 before any).
    const pipeline::StoreDpoResult &lastResult() const { return m_last; }

Q_SIGNALS:
    void runFinished(bool succeeded);

private:
    bool start(pipeline::StoreDpoRequest request);
    std::size_t addStoredSteps(store::Database &db, std::int64_t runId);
    void onFinished(int jobId, int outcome, const QString &message);
    void updateButtons();

    JobController *m_jobs;
    QString m_project;
    DpoSettingsForm *m_settings;
    TrainingCurves *m_curves;
    QListWidget *m_stepPairs;
    QLabel *m_status;
    QPushButton *m_launch, *m_pause, *m_resume, *m_stop;
    int m_jobId = 0;
    bool m_pauseRequested = false;
    std::int64_t m_shownRun = 0;  // the stored run drawn
    std::int64_t m_shownStep = 0; // its last step drawn
    qint64 m_lastStep = 0;
    std::string m_pausedCheckpoint; // where Resume continues from; empty when not paused
    std::vector<std::vector<std::int64_t>> m_plan; // the pair ids of step 1, 2, ...
    pipeline::StoreDpoRequest m_request;
    std::shared_ptr<pipeline::StoreDpoResult> m_running;
    pipeline::StoreDpoResult m_last;
};

} // namespace rlrf::ui
