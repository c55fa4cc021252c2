// SPDX-License-Identifier: GPL-3.0-or-later
#include "plots/training_curves.h"

#include "plots/metric_chart.h"
#include "string_convert.h"
#include "types/metric_names.h"

#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPdfWriter>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>

namespace rlrf::ui {

QStringList TrainingCurves::chartedKeys()
{
    return {QString::fromLatin1(metrics::kDpoLoss),          QString::fromLatin1(metrics::kDpoRewardsChosen),
            QString::fromLatin1(metrics::kDpoRewardsRejected), QString::fromLatin1(metrics::kDpoRewardsMargins),
            QString::fromLatin1(metrics::kDpoRewardsAccuracies), QString::fromLatin1(metrics::kDpoLearningRate)};
}

TrainingCurves::TrainingCurves(QWidget *parent)
    : QWidget(parent), m_grid(new QWidget(this)), m_smoothing(new QSlider(Qt::Horizontal, this)), m_flags(new QLabel(this))
{
    auto *grid = new QGridLayout(m_grid);
    grid->setContentsMargins(0, 0, 0, 0);
    int i = 0;
    for (const QString &key : chartedKeys()) {
        auto *chart = new MetricChart(key.mid(4), m_grid);
        connect(chart, &MetricChart::stepClicked, this, &TrainingCurves::stepClicked);
        m_charts[key] = chart;
        grid->addWidget(chart, i / 3, i % 3);
        ++i;
    }
    m_smoothing->setObjectName(QStringLiteral("curves.smoothing"));
    m_smoothing->setRange(0, 99);
    m_smoothing->setValue(60);
    connect(m_smoothing, &QSlider::valueChanged, this, [this](int v) { setSmoothing(v / 100.0); });
    m_flags->setObjectName(QStringLiteral("curves.flags"));
    m_flags->setWordWrap(true);
    m_flags->setStyleSheet(QStringLiteral("color: #b00020"));

    auto *png = new QPushButton(tr("Export PNG…"), this);
    auto *pdf = new QPushButton(tr("Export PDF…"), this);
    connect(png, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export curves"), QString(), tr("PNG (*.png)"));
        if (!path.isEmpty())
            exportPng(path);
    });
    connect(pdf, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export curves"), QString(), tr("PDF (*.pdf)"));
        if (!path.isEmpty())
            exportPdf(path);
    });
    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Smoothing"), this));
    bar->addWidget(m_smoothing, 1);
    bar->addWidget(png);
    bar->addWidget(pdf);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    auto *hint = new QLabel(tr("Drag: pan · wheel: zoom · double-click: fit · click a point: the pairs of its step"), this);
    hint->setWordWrap(true);
    layout->addWidget(hint);
    layout->addWidget(m_flags);
    layout->addWidget(m_grid, 1);
}

void TrainingCurves::addMetric(qint64 step, const QString &key, double value)
{
    if (auto *chart = this->chart(key))
        chart->addPoint(static_cast<double>(step), value);
    eval::MetricSeries *series = key == QLatin1String(metrics::kDpoLoss)                ? &m_dpo.loss
                                  : key == QLatin1String(metrics::kDpoLogpsChosen)       ? &m_dpo.logpsChosen
                                  : key == QLatin1String(metrics::kDpoLogpsRejected)     ? &m_dpo.logpsRejected
                                  : key == QLatin1String(metrics::kDpoRewardsChosen)     ? &m_dpo.rewardsChosen
                                  : key == QLatin1String(metrics::kDpoRewardsRejected)   ? &m_dpo.rewardsRejected
                                                                                   : nullptr;
    if (!series)
        return;
    if (step > m_lastStep) {
        diagnose(); // a new step begins: every point read so far belongs to a whole step
        m_lastStep = step;
    }
    series->push_back({step, value});
}

void TrainingCurves::finish()
{
    diagnose();
}

void TrainingCurves::diagnose()
{
    const auto warnings = eval::diagnoseDpo(m_dpo, toStdString(m_lossType));
    for (const auto &warning : warnings) {
        if (!m_flagged.insert(warning.kind).second)
            continue; // each pattern is flagged once, where it was first seen
        const QString text = toQString(warning.message);
        m_warnings << text;
        m_charts[QString::fromLatin1(metrics::kDpoLoss)]->addFlag(static_cast<double>(warning.step), text);
        m_flags->setText(QStringLiteral("⚠ ") + m_warnings.join(QStringLiteral("\n⚠ ")));
    }
}

void TrainingCurves::clear()
{
    for (auto &[key, chart] : m_charts)
        chart->clear();
    m_dpo = {};
    m_lastStep = 0;
    m_flagged.clear();
    m_warnings.clear();
    m_flags->clear();
}

void TrainingCurves::setSmoothing(double weight)
{
    for (auto &[key, chart] : m_charts)
        chart->setSmoothing(weight);
}

MetricChart *TrainingCurves::chart(const QString &key) const
{
    const auto it = m_charts.find(key);
    return it == m_charts.end() ? nullptr : it->second;
}

QStringList TrainingCurves::warnings() const
{
    return m_warnings;
}

bool TrainingCurves::exportPng(const QString &path)
{
    return m_grid->grab().save(path, "PNG");
}

bool TrainingCurves::exportPdf(const QString &path)
{
    QPdfWriter writer(path);
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setPageOrientation(QPageLayout::Landscape);
    writer.setTitle(tr("DPO training curves"));
    QPainter painter;
    if (!painter.begin(&writer))
        return false;
    // Scale the panel to the page, keeping its proportions.
    const double scale = std::min(writer.width() / double(m_grid->width()), writer.height() / double(m_grid->height()));
    painter.scale(scale, scale);
    m_grid->render(&painter);
    return painter.end();
}

} // namespace rlrf::ui
