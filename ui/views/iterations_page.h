// SPDX-License-Identifier: GPL-3.0-or-later
// The Iterations area: M0, M1, M2 ... side by side, read from the store
// (store::iterationSummaries): held-out accuracy, per-aspect means, pair yield,
// win rate against the previous iteration and DPO training time, as plots and as
// a table.
#pragma once

#include "store/iteration_summary.h"

#include <QWidget>

#include <optional>
#include <utility>
#include <vector>

class QCustomPlot;
class QLabel;
class QTableWidget;

namespace rlrf::ui {

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
    /// The value of a plot's horizontal reference line ("winrate": 0.5, where a
    /// model is as good as the previous one), and the value range it shows.
    std::optional<double> referenceLine(const QString &name) const;
    std::pair<double, double> valueRange(const QString &name) const;

private:
    void fillTable();
    void plotScalar(QCustomPlot *plot, const std::vector<std::pair<double, double>> &points, const QString &axis,
                    std::optional<double> upper = std::nullopt);
    void plotAspects();

    QString m_path;
    std::vector<store::IterationSummary> m_summaries;
    QCustomPlot *m_accuracy, *m_aspects, *m_yield, *m_winRate, *m_time;
    QTableWidget *m_table;
    QLabel *m_status;
};

} // namespace rlrf::ui
