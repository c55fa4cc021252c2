// SPDX-License-Identifier: GPL-3.0-or-later
// The Iterations area: M0, M1, M2 ... side by side, read from the store
// (store::iterationSummaries): held-out accuracy, per-aspect means, pair yield,
// win rate against the previous iteration and DPO training time, as plots and as
// a table. "Compare with…" puts a second RLRF run of the project beside a first
// (eval::compareRuns; iterations_compare.cpp): both runs' bars in every plot and
// a table of both values, their difference and the paired comparison.
#pragma once

#include "eval/run_comparison.h"
#include "pipeline/run/comparable_runs.h"
#include "store/iteration_summary.h"

#include <QWidget>

#include <optional>
#include <utility>
#include <vector>

class QComboBox;
class QCustomPlot;
class QLabel;
class QTableWidget;

namespace rlrf::ui {

class RunComparisonTable;

class IterationsPage : public QWidget {
    Q_OBJECT
public:
    explicit IterationsPage(QWidget *parent = nullptr);

    /// Reads the project's iterations; false (with the reason shown) on error.
    bool setProject(const QString &path);
    bool reload();

    const std::vector<store::IterationSummary> &summaries() const { return m_summaries; }
    QCustomPlot *plot(const QString &name) const; // "accuracy", "aspects", "yield", "winrate", "time"
    QTableWidget *table() const { return m_table; }
    /// What a plot shows: its number of series, and series `series`'s value at
    /// `key` (nullopt when it has none there).
    int seriesCount(const QString &name) const;
    std::optional<double> valueAt(const QString &name, int series, double key) const;
    /// A series' legend name ("run 3 · RLRF" while comparing), and whether the legend shows.
    QString seriesName(const QString &name, int series) const;
    bool legendShown(const QString &name) const;
    /// The value of a plot's horizontal reference line ("winrate": 0.5, where a
    /// model is as good as the previous one), and the value range it shows.
    std::optional<double> referenceLine(const QString &name) const;
    std::pair<double, double> valueRange(const QString &name) const;

    /// Compares run `second` with run `first` (none: the newest other RLRF run,
    /// preferring one that is not a baseline); `second` none goes back to the
    /// single view. The choice is kept across reloads while both runs exist.
    void compareWith(std::optional<std::int64_t> second, std::optional<std::int64_t> first = std::nullopt);
    bool comparing() const { return m_secondRun.has_value(); }
    /// The runs compared (first, second), when comparing.
    std::optional<std::pair<std::int64_t, std::int64_t>> comparedRuns() const;
    const std::vector<eval::IterationComparison> &comparison() const { return m_comparison; }
    RunComparisonTable *comparisonTable() const { return m_compareTable; }
    /// The RLRF runs "Compare with…" offers.
    const std::vector<pipeline::ComparableRun> &comparableRuns() const { return m_runs; }

private:
    void showSingle();
    // iterations_compare.cpp
    void resolveComparison(); // after m_runs is read: drops a choice whose run is gone, picks the first run
    void fillCompareChoices();
    void showComparison();
    const pipeline::ComparableRun *runById(std::optional<std::int64_t> id) const;

    void fillTable();
    void plotScalar(QCustomPlot *plot, const std::vector<std::pair<double, double>> &points, const QString &axis,
                    std::optional<double> upper = std::nullopt);
    void plotAspects();

    QString m_path;
    std::vector<store::IterationSummary> m_summaries;
    QCustomPlot *m_accuracy, *m_aspects, *m_yield, *m_winRate, *m_time;
    QTableWidget *m_table;
    QLabel *m_status;

    QComboBox *m_compare, *m_first;
    QLabel *m_firstLabel, *m_compareRuns;
    RunComparisonTable *m_compareTable;
    std::vector<pipeline::ComparableRun> m_runs;
    std::optional<std::int64_t> m_secondRun, m_firstRun;
    std::vector<eval::IterationComparison> m_comparison;
    QString m_compareNote; // why a choice was dropped on reload
};

} // namespace rlrf::ui
