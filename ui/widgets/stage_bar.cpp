// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/stage_bar.h"

#include "worker/stage_runner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>

#include <algorithm>

namespace rlrf::ui {

StageBar::StageBar(StageRunner *stages, QWidget *parent)
    : QWidget(parent)
    , m_judgeSpec(new QLineEdit(QStringLiteral("rule:arith"), this))
    , m_judgeButton(new QPushButton(tr("Judge prompt"), this))
    , m_samples(new QSpinBox(this))
    , m_sampleButton(new QPushButton(tr("Sample"), this))
    , m_cancelButton(new QPushButton(tr("Stop"), this))
    , m_progress(new QProgressBar(this))
    , m_text(new QLabel(this))
{
    m_judgeSpec->setObjectName(QStringLiteral("explorer.judgeSpec"));
    m_judgeSpec->setToolTip(tr("endpoint:URL#MODEL, model:DIR, verifier:TASK or rule:arith"));
    m_judgeButton->setObjectName(QStringLiteral("explorer.judge"));
    m_samples->setRange(1, 64);
    m_samples->setValue(4);
    m_samples->setSuffix(tr(" per prompt"));
    m_sampleButton->setObjectName(QStringLiteral("explorer.sample"));
    m_sampleButton->setToolTip(tr("Sample answers for the selected prompt with the project's model"));
    m_cancelButton->setEnabled(false);
    m_progress->setObjectName(QStringLiteral("explorer.progress"));
    m_text->setObjectName(QStringLiteral("explorer.eta"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_sampleButton);
    layout->addWidget(m_samples);
    layout->addSpacing(12);
    layout->addWidget(new QLabel(tr("Judge:"), this));
    layout->addWidget(m_judgeSpec);
    layout->addWidget(m_judgeButton);
    layout->addWidget(m_cancelButton);
    layout->addWidget(m_progress, 1);
    layout->addWidget(m_text);

    connect(m_judgeButton, &QPushButton::clicked, this, &StageBar::judgeRequested);
    connect(m_sampleButton, &QPushButton::clicked, this, &StageBar::sampleRequested);
    connect(m_cancelButton, &QPushButton::clicked, stages, &StageRunner::cancel);
    connect(stages, &StageRunner::started, this, [this](const QString &name) {
        setRunning(true);
        m_progress->setRange(0, 0); // busy until the first progress report
        m_text->setText(name);
    });
    connect(stages, &StageRunner::progress, this, [this](qint64 done, qint64 total, const QString &stage, double eta) {
        m_progress->setRange(0, static_cast<int>(std::max<qint64>(total, 1)));
        m_progress->setValue(static_cast<int>(done));
        m_text->setText(eta < 0 ? stage
                                : tr("%1: %2/%3, about %4 s left").arg(stage).arg(done).arg(total).arg(eta, 0, 'f', 0));
    });
    connect(stages, &StageRunner::finished, this, [this](Outcome outcome, const QString &message) {
        setRunning(false);
        m_progress->setRange(0, 1);
        m_progress->setValue(outcome == Outcome::Succeeded ? 1 : 0);
        m_text->setText(QStringLiteral("%1: %2").arg(QString::fromLatin1(toString(outcome)), message));
    });
}

QString StageBar::judgeSpec() const
{
    return m_judgeSpec->text().trimmed();
}

int StageBar::samplesPerPrompt() const
{
    return m_samples->value();
}

void StageBar::showMessage(const QString &text)
{
    m_text->setText(text);
}

void StageBar::setRunning(bool running)
{
    m_judgeButton->setEnabled(!running);
    m_sampleButton->setEnabled(!running);
    m_cancelButton->setEnabled(running);
}

} // namespace rlrf::ui
