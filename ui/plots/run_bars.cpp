// SPDX-License-Identifier: GPL-3.0-or-later
#include "plots/run_bars.h"

#include <qcustomplot.h>

#include <algorithm>

namespace rlrf::ui {

QColor runColour(int index, int shade)
{
    // Blue for the first run, orange for the second; later models of a run a
    // little darker, so per-model series of one run still read as one run.
    const int hue = index == 0 ? 207 : 28;
    return QColor::fromHsv(hue, 170, std::max(90, 215 - 35 * shade), 190);
}

void plotRunBars(QCustomPlot *plot, const std::vector<RunBarSeries> &series, const std::vector<int> &iterations,
                 const QString &axis, std::optional<double> upper)
{
    plot->clearPlottables();
    auto *group = new QCPBarsGroup(plot);
    const double width = 0.8 / static_cast<double>(std::max<std::size_t>(1, series.size()));
    for (const auto &s : series) {
        auto *bars = new QCPBars(plot->xAxis, plot->yAxis);
        bars->setName(s.name);
        bars->setBrush(s.colour);
        bars->setWidth(width);
        bars->setBarsGroup(group);
        for (const auto &[k, v] : s.points)
            bars->addData(k, v);
    }
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (const int i : iterations)
        ticker->addTick(i, QStringLiteral("M%1").arg(i));
    plot->xAxis->setTicker(ticker);
    plot->xAxis->setLabel(QObject::tr("model"));
    plot->yAxis->setLabel(axis);
    plot->legend->setVisible(!series.empty());
    plot->rescaleAxes();
    if (!iterations.empty())
        plot->xAxis->setRange(iterations.front() - 0.7, iterations.back() + 0.7);
    plot->yAxis->setRangeLower(0.0);
    plot->yAxis->setRangeUpper(upper ? *upper : std::max(plot->yAxis->range().upper * 1.1, 1e-6));
    plot->replot();
}

} // namespace rlrf::ui
