// SPDX-License-Identifier: GPL-3.0-or-later
// Bars of several runs per model M_i, grouped side by side under one M_i tick
// and named in a legend: how the Iterations area draws two runs it compares.
// Each series is one run's values (a model it has no value for gets no bar).
#pragma once

#include <QColor>
#include <QString>

#include <optional>
#include <utility>
#include <vector>

class QCustomPlot;

namespace rlrf::ui {

struct RunBarSeries {
    QString name;   // the legend entry: "run 3 · RLRF"
    QColor colour;
    std::vector<std::pair<double, double>> points; // (iteration, value)
};

/// Replaces what `plot` draws with `series` over the models `iterations`; the
/// value axis starts at 0 and ends at `upper` (or just above the largest value).
void plotRunBars(QCustomPlot *plot, const std::vector<RunBarSeries> &series, const std::vector<int> &iterations,
                 const QString &axis, std::optional<double> upper = std::nullopt);

/// The two compared runs' colours: the first run keeps the single-run blue.
QColor runColour(int index, int shade = 0);

} // namespace rlrf::ui
