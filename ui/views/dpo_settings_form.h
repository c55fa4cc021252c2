// SPDX-License-Identifier: GPL-3.0-or-later
// The DPO hyper-parameters of the Training area with the trainer's own defaults
// (train::DpoConfig) and its validation: a value out of range names the field
// before anything starts.
#pragma once

#include "types/dpo_config.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace rlrf::ui {

class DpoSettingsForm : public QWidget {
    Q_OBJECT
public:
    explicit DpoSettingsForm(QWidget *parent = nullptr);

    /// The settings, or nullopt with the reason shown in the form (and in `error`).
    std::optional<train::DpoConfig> config(QString *error = nullptr);
    void setConfig(const train::DpoConfig &config);

    QString policyFolder() const;
    QString referenceFolder() const; // empty: the policy's own folder
    QString outputFolder() const;
    int iteration() const;
    void setPolicyFolder(const QString &folder);
    void setOutputFolder(const QString &folder);
    void setIteration(int iteration);
    void setLearningRateText(const QString &text);
    void setReferenceFolder(const QString &folder);
    void setBeta(double beta);

private:
    QDoubleSpinBox *m_beta;
    QLineEdit *m_learningRate;
    QSpinBox *m_epochs;
    QSpinBox *m_batch;
    QComboBox *m_loss;
    QLineEdit *m_policy;
    QLineEdit *m_reference;
    QLineEdit *m_output;
    QSpinBox *m_iteration;
    QLabel *m_error;
};

} // namespace rlrf::ui
