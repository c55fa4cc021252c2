// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/dpo_settings_form.h"

#include "string_convert.h"

#include "core/error.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>

namespace rlrf::ui {

DpoSettingsForm::DpoSettingsForm(QWidget *parent)
    : QWidget(parent)
    , m_beta(new QDoubleSpinBox(this))
    , m_learningRate(new QLineEdit(this))
    , m_epochs(new QSpinBox(this))
    , m_batch(new QSpinBox(this))
    , m_loss(new QComboBox(this))
    , m_policy(new QLineEdit(this))
    , m_reference(new QLineEdit(this))
    , m_output(new QLineEdit(this))
    , m_iteration(new QSpinBox(this))
    , m_error(new QLabel(this))
{
    m_beta->setDecimals(3);
    m_beta->setRange(0.0, 10.0); // 0 is refused by validation with the trainer's message
    m_beta->setSingleStep(0.05);
    m_epochs->setRange(0, 1000);
    m_batch->setRange(0, 4096);
    m_loss->addItems({QStringLiteral("sigmoid"), QStringLiteral("ipo"), QStringLiteral("hinge"),
                      QStringLiteral("apo_zero"), QStringLiteral("apo_down")});
    m_iteration->setRange(1, 1000);
    m_reference->setPlaceholderText(tr("the policy's own folder"));
    m_error->setObjectName(QStringLiteral("settings.error"));
    m_error->setStyleSheet(QStringLiteral("color: #b00020"));
    m_error->setWordWrap(true);
    auto *form = new QFormLayout(this);
    form->addRow(tr("β (beta)"), m_beta);
    form->addRow(tr("Learning rate"), m_learningRate);
    form->addRow(tr("Epochs"), m_epochs);
    form->addRow(tr("Batch (pairs)"), m_batch);
    form->addRow(tr("Loss"), m_loss);
    form->addRow(tr("Policy model"), m_policy);
    form->addRow(tr("Reference model"), m_reference);
    form->addRow(tr("Output folder"), m_output);
    form->addRow(tr("Produces iteration M"), m_iteration);
    form->addRow(m_error);
    setConfig(train::DpoConfig{});
}

void DpoSettingsForm::setConfig(const train::DpoConfig &config)
{
    m_beta->setValue(config.beta);
    m_learningRate->setText(QString::number(config.learningRate, 'g', 6));
    m_epochs->setValue(static_cast<int>(config.epochs));
    m_batch->setValue(static_cast<int>(config.batchSize));
    m_loss->setCurrentText(toQString(config.lossType));
}

std::optional<train::DpoConfig> DpoSettingsForm::config(QString *error)
{
    train::DpoConfig config;
    QString problem;
    bool ok = false;
    config.beta = m_beta->value();
    config.learningRate = m_learningRate->text().trimmed().toDouble(&ok);
    config.epochs = m_epochs->value();
    config.batchSize = m_batch->value();
    config.lossType = toStdString(m_loss->currentText());
    if (!ok)
        problem = tr("learning rate: '%1' is not a number").arg(m_learningRate->text());
    else if (m_policy->text().trimmed().isEmpty())
        problem = tr("policy model: choose the model folder to train");
    else if (m_output->text().trimmed().isEmpty())
        problem = tr("output folder: choose where checkpoints go");
    else {
        try {
            train::validate(config, "training settings");
        } catch (const Error &e) {
            problem = QString::fromUtf8(e.what());
        }
    }
    m_error->setText(problem);
    if (error)
        *error = problem;
    if (!problem.isEmpty())
        return std::nullopt;
    return config;
}

QString DpoSettingsForm::policyFolder() const { return m_policy->text().trimmed(); }
QString DpoSettingsForm::referenceFolder() const { return m_reference->text().trimmed(); }
QString DpoSettingsForm::outputFolder() const { return m_output->text().trimmed(); }
int DpoSettingsForm::iteration() const { return m_iteration->value(); }
void DpoSettingsForm::setPolicyFolder(const QString &folder) { m_policy->setText(folder); }
void DpoSettingsForm::setOutputFolder(const QString &folder) { m_output->setText(folder); }
void DpoSettingsForm::setIteration(int iteration) { m_iteration->setValue(iteration); }
void DpoSettingsForm::setLearningRateText(const QString &text) { m_learningRate->setText(text); }
void DpoSettingsForm::setReferenceFolder(const QString &folder) { m_reference->setText(folder); }
void DpoSettingsForm::setBeta(double beta) { m_beta->setValue(beta); }

} // namespace rlrf::ui
