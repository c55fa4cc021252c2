// SPDX-License-Identifier: GPL-3.0-or-later
// The Reflect-Retry-Reward area: the project's RRR runs with their metric curves
// from the store, and per run the failed attempts with the reflection written
// after each, the retry and its reward, one row per reflection and the four texts
// side by side for the selected one. Beside them, the run's reflection headroom
// (rrr_headroom.h): what the model's own reflections and perfect ones led to
// in the evaluations before and after training.
//
// The attempt rows come from an AttemptLoader: the RRR artefact tables belong to
// the RRR trainer's part of the store, so the loader is the one place that reads
// them (setAttemptLoader); without one, the area shows runs and curves only.
#pragma once

#include <QWidget>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QTableWidget;

namespace rlrf::store {
class Database;
}

namespace rlrf::ui {

class MetricChart;
class RrrHeadroomView;

struct RrrAttemptRow {
    qint64 step = 0;          // the optimizer step that used the reflection
    QString problem;          // the prompt
    QString attempt;          // the failed first attempt
    QString verdict;          // why the verifier failed it
    QString reflection;
    QString retry;
    double reward = 0.0;      // of the retry (1 = the verifier accepts it)
    double advantage = 0.0;
};

using AttemptLoader = std::function<std::vector<RrrAttemptRow>(store::Database &db, std::int64_t runId)>;

class RrrPage : public QWidget {
    Q_OBJECT
public:
    explicit RrrPage(QWidget *parent = nullptr);
    ~RrrPage() override;

    void setAttemptLoader(AttemptLoader loader) { m_loader = std::move(loader); }
    bool setProject(const QString &path);
    /// Reads the run list again. The shown run stays shown when the person picked
    /// it; otherwise the newest run is shown (a running one is followed). When the
    /// shown run is the same, only what is new is added: curve points, metric
    /// names and attempt rows, with the selected attempt kept.
    bool reload();

    /// The RRR runs listed (run ids, oldest first).
    std::vector<std::int64_t> runIds() const { return m_runIds; }
    bool selectRun(std::int64_t runId);
    /// The run shown (0 = none).
    std::int64_t shownRunId() const { return m_shownRun; }
    void setAttempts(std::vector<RrrAttemptRow> rows);
    void selectAttempt(int row);
    MetricChart *chart() const { return m_chart; }
    RrrHeadroomView *headroom() const { return m_headroom; }
    QTableWidget *attempts() const { return m_table; }
    QString shownText(const QString &part) const; // "attempt", "reflection", "retry", "reward"

private:
    void showRun();
    void showMetric();
    void extendShownRun();
    void appendNewPoints();

    QString m_path;
    AttemptLoader m_loader;
    std::vector<std::int64_t> m_runIds;
    std::vector<RrrAttemptRow> m_rows;
    std::int64_t m_shownRun = 0;
    bool m_userPickedRun = false;   // a run chosen in the list is not replaced by a newer one
    std::size_t m_chartPoints = 0;  // points of the shown metric already drawn
    QListWidget *m_runs;
    QComboBox *m_metric;
    MetricChart *m_chart;
    QTableWidget *m_table;
    QPlainTextEdit *m_attempt, *m_reflection, *m_retry;
    QLabel *m_reward;
    RrrHeadroomView *m_headroom;
    QLabel *m_status;
};

} // namespace rlrf::ui
