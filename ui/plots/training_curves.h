// SPDX-License-Identifier: GPL-3.0-or-later
// The live curves of a DPO run: loss, rewards/chosen, rewards/rejected,
// rewards/margins, rewards/accuracies and learning rate, one chart each, with one
// smoothing slider for all, export of the whole panel to PNG or PDF, and the run's
// warning flags (train/dpo_diagnostics) drawn on the loss chart and listed.
#pragma once

#include "eval/dpo_diagnostics.h"

#include <QWidget>

#include <map>
#include <set>

class QLabel;
class QSlider;

namespace rlrf::ui {

class MetricChart;

class TrainingCurves : public QWidget {
    Q_OBJECT
public:
    explicit TrainingCurves(QWidget *parent = nullptr);

    /// The metric keys that have a chart, in display order ("dpo/loss", ...).
    static QStringList chartedKeys();

    /// A metric point from the trainer; keys without a chart still feed the flags.
    /// The flags read whole steps only: a step's points may come in any order, so
    /// a step is diagnosed once a later step begins, or at finish().
    void addMetric(qint64 step, const QString &key, double value);
    /// Diagnoses the last step too: the run ended, or a stored run was read.
    void finish();
    void clear();
    void setLossType(const QString &lossType) { m_lossType = lossType; }
    void setSmoothing(double weight);

    MetricChart *chart(const QString &key) const;
    QStringList warnings() const;
    bool exportPng(const QString &path);
    bool exportPdf(const QString &path);

Q_SIGNALS:
    void stepClicked(qint64 step);

private:
    void diagnose();

    std::map<QString, MetricChart *> m_charts;
    eval::DpoSeries m_dpo; // the series the flags read, whole steps only when diagnosed
    std::set<std::string> m_flagged;
    qint64 m_lastStep = 0;
    QStringList m_warnings;
    QString m_lossType = QStringLiteral("sigmoid");
    QWidget *m_grid;
    QSlider *m_smoothing;
    QLabel *m_flags;
};

} // namespace rlrf::ui
