// SPDX-License-Identifier: GPL-3.0-or-later
// The Run area: start, stop, resume and watch an RLRF run, the reward-only
// baseline or a Reflect-Retry-Reward run. The settings form is built from the
// same tables as `rlrf run` and `rlrf rrr`. Everything shown (the stage view,
// the time table, the live curve, the review gate) is read from the project
// file on a timer, so a run started here and one started in a terminal on the
// same project look the same; the latter is marked as followed, read-only.
#pragma once

#include "core/progress.h"
#include "pipeline/rrr/rrr_config.h"
#include "pipeline/run/run_progress.h"

#include <QString>
#include <QWidget>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;
class QTableWidget;
class QTimer;

namespace rlrf::store {
class Database;
}

namespace rlrf::ui {

class LoopRunner;
class MetricChart;
class SettingsTableForm;

class RunPage : public QWidget {
    Q_OBJECT
public:
    enum class Method { Rlrf = 0, RewardOnly = 1, Rrr = 2 };

    explicit RunPage(QWidget *parent = nullptr);
    ~RunPage() override;

    /// Opens `path` read-only for following and shows its newest run; false
    /// (with the reason shown) when it cannot be read.
    bool setProject(const QString &path);

    void setMethod(Method method);
    Method method() const;
    SettingsTableForm *rlrfForm() const { return m_rlrfForm; }
    SettingsTableForm *rrrForm() const { return m_rrrForm; }

    /// Reads a Reflect-Retry-Reward settings file (`rlrf rrr --config FILE`: JSON
    /// with rrr_config keys) and fills the RRR form from it; its keys outside the
    /// form are kept for the next Start, as the CLI keeps them. False, with the
    /// file and the cause shown, when it does not read.
    bool loadRrrSettings(const QString &file);

    /// Starts a new run with the form's settings; false (the field marked and the
    /// reason shown) when a setting is invalid or a run is going.
    bool start();
    /// Stops the run started here after its current batch.
    void stop();
    /// Continues the shown run (stopped, failed, killed, or waiting for review)
    /// exactly as `rlrf run` does: its stored settings, this form's iterations
    /// and auto-approve. False when it cannot be resumed.
    bool resume();
    bool isRunning() const;

    /// Re-reads the run list and the shown run from the file (the timer calls it).
    void refresh();
    void showRun(std::int64_t runId);
    std::int64_t shownRunId() const { return m_shownRunId; }
    const std::optional<pipeline::RunProgress> &progress() const { return m_progress; }
    /// True when the shown run is running in another process (read-only here).
    bool isFollowingOther() const;
    QString statusText() const;
    QString ownershipText() const;
    QTableWidget *stageTable() const { return m_stages; }
    MetricChart *curve() const { return m_curve; }
    QString timeTableText() const;

    void setPollInterval(int milliseconds);
    /// After this long with no write to the file, a run another process shows
    /// as running is taken for killed: Resume is offered.
    /// The longest time one refresh held the GUI thread, in milliseconds.
    double longestRefreshMs() const { return m_longestRefreshMs; }

Q_SIGNALS:
    /// The file changed (this run or another process wrote): other areas re-read.
    void projectWritten();
    /// The person asked for the Pairs queue (the review gate).
    void reviewRequested();
    void runFinished(rlrf::Outcome outcome, const QString &message);

private:
    bool launch(bool fresh, std::optional<std::int64_t> resumeRunId, bool rrrRun = false);
    void onFinished(Outcome outcome, const QString &message);
    void fillRuns(const std::vector<store::RunRecord> &runs);
    void fillStages();
    void fillCurve();
    void fillFormFromRun(const store::RunRecord &run);
    void updateControls();
    void setStatus(const QString &text, bool error = false);

    QString m_path;
    std::unique_ptr<store::Database> m_reader;
    LoopRunner *m_runner;
    QComboBox *m_method;
    QStackedWidget *m_forms;
    SettingsTableForm *m_rlrfForm;
    SettingsTableForm *m_rrrForm;
    QPushButton *m_start, *m_stop, *m_resume, *m_openPairs, *m_loadRrr;
    QLabel *m_rrrSource;
    QComboBox *m_runs;
    QLabel *m_ownership;
    QLabel *m_current;
    QLabel *m_gate;
    QLabel *m_status;
    QTableWidget *m_stages;
    QPlainTextEdit *m_timeTable;
    MetricChart *m_curve;
    QTimer *m_timer;

    std::optional<pipeline::RunProgress> m_progress;
    std::optional<rrr::RrrConfig> m_rrrBase; // from a loaded settings file: the form applies over it
    std::int64_t m_shownRunId = 0;
    std::int64_t m_ownRunId = 0;      // the run the runner is driving (0 = none or not yet known)
    std::int64_t m_newestBeforeStart = 0;
    bool m_userPickedRun = false;
    std::int64_t m_dataVersion = -1;
    double m_lastWriteSeconds = 0.0;  // monotonic time the file was last seen to change
    double m_longestRefreshMs = 0.0;
    std::int64_t m_curveRun = 0;
    std::size_t m_curvePoints = 0;
};

} // namespace rlrf::ui
