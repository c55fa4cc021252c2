// SPDX-License-Identifier: GPL-3.0-or-later
#include "plots/metric_chart.h"

#include <qcustomplot.h>

#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace rlrf::ui {

MetricChart::MetricChart(const QString &title, QWidget *parent)
    : QWidget(parent), m_title(title), m_plot(new QCustomPlot(this))
{
    setObjectName(QStringLiteral("chart.") + title);
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, new QCPTextElement(m_plot, title, QFont(font().family(), 10, QFont::Bold)));
    m_raw = m_plot->addGraph();
    m_raw->setPen(QPen(QColor(70, 130, 180, 90), 1));
    m_raw->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 4));
    m_smooth = m_plot->addGraph();
    m_smooth->setPen(QPen(QColor(20, 70, 140), 2));
    m_plot->xAxis->setLabel(tr("step"));
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom | QCP::iSelectPlottables);
    m_tracer = new QCPItemTracer(m_plot);
    m_tracer->setStyle(QCPItemTracer::tsCrosshair);
    m_tracer->setPen(QPen(QColor(200, 80, 0), 1, Qt::DashLine));
    m_tracer->setVisible(false);
    connect(m_plot, &QCustomPlot::mouseMove, this, &MetricChart::onMouseMove);
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this] { fit(); });
    connect(m_plot, &QCustomPlot::plottableClick, this, [this](QCPAbstractPlottable *, int index, QMouseEvent *) {
        if (index >= 0 && index < static_cast<int>(m_steps.size()))
            Q_EMIT stepClicked(static_cast<qint64>(m_steps[static_cast<std::size_t>(index)]));
    });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    setMinimumSize(150, 120);
}

void MetricChart::addPoint(double step, double value)
{
    m_steps.push_back(step);
    m_values.push_back(value);
    m_raw->addData(step, value);
    rebuildSmoothed();
    fit();
}

void MetricChart::clear()
{
    m_steps.clear();
    m_values.clear();
    m_flags.clear();
    m_raw->data()->clear();
    m_smooth->data()->clear();
    for (int i = m_plot->itemCount() - 1; i >= 0; --i)
        if (m_plot->item(i) != m_tracer)
            m_plot->removeItem(i);
    m_tracer->setGraph(nullptr);
    m_tracer->setVisible(false);
    m_plot->replot();
}

void MetricChart::setSmoothing(double weight)
{
    m_smoothing = std::clamp(weight, 0.0, 0.999);
    rebuildSmoothed();
    m_plot->replot();
}

// TensorBoard's smoothing: s_t = w * s_{t-1} + (1 - w) * x_t, debiased so the first
// points are not pulled towards zero.
void MetricChart::rebuildSmoothed()
{
    QVector<double> keys, values;
    double average = 0.0;
    for (std::size_t i = 0; i < m_values.size(); ++i) {
        average = m_smoothing * average + (1.0 - m_smoothing) * m_values[i];
        const double debias = 1.0 - std::pow(m_smoothing, static_cast<double>(i + 1));
        keys << m_steps[i];
        values << (debias > 0.0 ? average / debias : m_values[i]);
    }
    m_smooth->setData(keys, values, true);
}

void MetricChart::fit()
{
    m_plot->rescaleAxes();
    const auto range = m_plot->yAxis->range();
    const double pad = std::max(range.size() * 0.08, 1e-9);
    m_plot->yAxis->setRange(range.lower - pad, range.upper + pad);
    m_plot->xAxis->setRange(m_plot->xAxis->range().lower - 0.5, m_plot->xAxis->range().upper + 0.5);
    m_plot->replot();
}

void MetricChart::addFlag(double step, const QString &text)
{
    m_flags << text;
    auto *line = new QCPItemStraightLine(m_plot);
    line->point1->setCoords(step, 0);
    line->point2->setCoords(step, 1);
    line->setPen(QPen(QColor(200, 30, 30), 1, Qt::DashLine));
    auto *label = new QCPItemText(m_plot);
    label->setPositionAlignment(Qt::AlignTop | Qt::AlignLeft);
    label->position->setTypeX(QCPItemPosition::ptPlotCoords);
    label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    label->position->setCoords(step, 0.02 + 0.1 * (m_flags.size() - 1));
    label->setText(QStringLiteral("⚠ ") + text.section(QLatin1Char(':'), 0, 0));
    label->setColor(QColor(200, 30, 30));
    m_plot->replot();
}

int MetricChart::pointCount() const
{
    return static_cast<int>(m_values.size());
}

double MetricChart::lastValue() const
{
    return m_values.empty() ? 0.0 : m_values.back();
}

double MetricChart::smoothedLast() const
{
    return m_smooth->data()->isEmpty() ? 0.0 : (m_smooth->data()->constEnd() - 1)->value;
}

std::optional<double> MetricChart::valueAt(double step) const
{
    for (std::size_t i = 0; i < m_steps.size(); ++i)
        if (m_steps[i] == step)
            return m_values[i];
    return std::nullopt;
}

double MetricChart::stepAt(int index) const
{
    return index >= 0 && index < pointCount() ? m_steps[static_cast<std::size_t>(index)] : -1.0;
}

int MetricChart::nearestIndex(double step) const
{
    int best = -1;
    for (std::size_t i = 0; i < m_steps.size(); ++i)
        if (best < 0 || std::abs(m_steps[i] - step) < std::abs(m_steps[static_cast<std::size_t>(best)] - step))
            best = static_cast<int>(i);
    return best;
}

QString MetricChart::hoverTextAt(double step)
{
    const int i = nearestIndex(step);
    if (i < 0)
        return {};
    const auto at = static_cast<std::size_t>(i);
    m_tracer->setGraph(m_raw); // attached only once there is data to follow
    m_tracer->setGraphKey(m_steps[at]);
    m_tracer->setVisible(true);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    return tr("step %1: %2 (smoothed %3)")
        .arg(m_steps[at])
        .arg(m_values[at], 0, 'g', 5)
        .arg((m_smooth->data()->constBegin() + i)->value, 0, 'g', 5);
}

void MetricChart::onMouseMove(QMouseEvent *event)
{
    if (m_steps.empty())
        return;
    const QString text = hoverTextAt(m_plot->xAxis->pixelToCoord(event->position().x()));
    QToolTip::showText(event->globalPosition().toPoint(), text, m_plot);
}

void MetricChart::clickAt(double step)
{
    const int i = nearestIndex(step);
    if (i >= 0)
        Q_EMIT stepClicked(static_cast<qint64>(m_steps[static_cast<std::size_t>(i)]));
}

} // namespace rlrf::ui
