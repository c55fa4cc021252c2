// SPDX-License-Identifier: GPL-3.0-or-later
// The row under the Explorer that starts stages and follows them: Sample (n per
// prompt) and Judge (a judge spec), a Stop button, a progress bar and a line
// with the stage, the count and the ETA, or how the stage ended.
#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace rlrf::ui {

class StageRunner;

class StageBar : public QWidget {
    Q_OBJECT
public:
    explicit StageBar(StageRunner *stages, QWidget *parent = nullptr);

    QString judgeSpec() const;
    int samplesPerPrompt() const;
    /// Shows a one-line message in place of the progress text.
    void showMessage(const QString &text);

Q_SIGNALS:
    void sampleRequested();
    void judgeRequested();

private:
    void setRunning(bool running);

    QLineEdit *m_judgeSpec;
    QPushButton *m_judgeButton;
    QSpinBox *m_samples;
    QPushButton *m_sampleButton;
    QPushButton *m_cancelButton;
    QProgressBar *m_progress;
    QLabel *m_text;
};

} // namespace rlrf::ui
