// SPDX-License-Identifier: GPL-3.0-or-later
// Teaching mode: one prompt walked through the RLRF loop in large type, one step
// per "Next" (sample -> critique -> refine -> pair -> one DPO step), "Back" to look
// at an earlier step again. Every step is real (teaching::Walkthrough on the
// backend thread); the last one shows the pair's log-probs before and after the
// DPO step.
#pragma once

#include "types/rubric.h"

#include <QTemporaryDir>
#include <QWidget>

#include <memory>
#include <optional>

class QCustomPlot;
class QLabel;
class QLineEdit;
class QPushButton;
class QTextBrowser;

namespace rlrf::teaching {
class Walkthrough;
}

namespace rlrf::ui {

class JobController;

class TeachingPage : public QWidget {
    Q_OBJECT
public:
    explicit TeachingPage(JobController *jobs, QWidget *parent = nullptr);
    ~TeachingPage() override;

    /// Takes the project's model folder and current rubric.
    void setProject(const QString &path);
    void setRubric(const feedback::Rubric &rubric) { m_rubric = rubric; }
    void setModelFolder(const QString &folder);
    void setPrompt(const QString &prompt);

    /// Starts over with the prompt and model in the fields; false with the reason shown.
    bool startWalkthrough();
    /// Runs (or, after Back, shows again) the next step; false when there is none.
    bool next();
    bool back();

    int shownStep() const { return m_shown; }       // 0 = the prompt, 1 = sampled, ... 5 = DPO step
    int completedSteps() const { return static_cast<int>(m_pages.size()) - 1; }
    QString shownHtml() const;
    bool isBusy() const { return m_jobId != 0; }
    const teaching::Walkthrough *walkthrough() const { return m_walk.get(); }
    QCustomPlot *logProbPlot() const { return m_plot; }
    bool logProbsShown() const;
    int logProbSeriesCount() const;

Q_SIGNALS:
    void stepShown(int step);

private:
    void show(int index);
    QString renderStage() const;
    void plotLogProbs();
    void updateButtons();

    JobController *m_jobs;
    std::optional<feedback::Rubric> m_rubric;
    std::shared_ptr<teaching::Walkthrough> m_walk;
    QTemporaryDir m_scratch;
    QLineEdit *m_model;
    QLineEdit *m_prompt;
    QTextBrowser *m_view;
    QCustomPlot *m_plot;
    QLabel *m_status;
    QPushButton *m_start, *m_back, *m_next;
    QStringList m_pages;
    int m_shown = -1;
    int m_jobId = 0;
};

} // namespace rlrf::ui
