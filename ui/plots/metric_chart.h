// SPDX-License-Identifier: GPL-3.0-or-later
// One live training curve: the raw points (faint) and their exponential moving
// average (bold), a tracer that follows the mouse and shows the step's value,
// drag to pan and wheel to zoom, double-click to fit, and a click on a point that
// reports its step. Flags (warnings) are drawn as labelled markers at their step.
#pragma once

#include <QWidget>

#include <optional>
#include <vector>

class QCustomPlot;
class QCPGraph;
class QCPItemTracer;
class QMouseEvent;

namespace rlrf::ui {

class MetricChart : public QWidget {
    Q_OBJECT
public:
    MetricChart(const QString &title, QWidget *parent = nullptr);

    void addPoint(double step, double value);
    void clear();
    /// 0 = no smoothing; 0.9 averages over roughly the last ten points.
    void setSmoothing(double weight);
    void addFlag(double step, const QString &text);

    int pointCount() const;
    double lastValue() const;
    double smoothedLast() const;
    /// The raw value at `step`, and the step of the point at `index` (in order).
    std::optional<double> valueAt(double step) const;
    double stepAt(int index) const;
    /// The text the tracer shows for the point nearest to `step` ("step 3: 0.6931").
    QString hoverTextAt(double step);
    QString title() const { return m_title; }
    QStringList flags() const { return m_flags; }
    QCustomPlot *plot() const { return m_plot; }
    /// Reports the step of the point nearest to a click (or a call).
    void clickAt(double step);

Q_SIGNALS:
    void stepClicked(qint64 step);

private:
    void rebuildSmoothed();
    void fit();
    void onMouseMove(QMouseEvent *event);
    int nearestIndex(double step) const;

    QString m_title;
    QCustomPlot *m_plot;
    QCPGraph *m_raw;
    QCPGraph *m_smooth;
    QCPItemTracer *m_tracer;
    std::vector<double> m_steps, m_values;
    double m_smoothing = 0.6;
    QStringList m_flags;
};

} // namespace rlrf::ui
