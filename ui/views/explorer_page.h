// SPDX-License-Identifier: GPL-3.0-or-later
// The Explorer area: prompts (filter, search, sort by score, gap or state) →
// the selected prompt's candidates as an eight-aspect heat map → for the
// selected cell the aspect's rationale, for a refinement the side-by-side view,
// and a form for a person's own rating. Stages run from here on the backend
// thread with progress and ETA.
#pragma once

#include "store/explorer_repository.h"
#include "types/rubric.h"

#include <QWidget>

#include <functional>
#include <optional>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QTabWidget;
class QTableView;
class QTextBrowser;

namespace rlrf::ui {

class CandidateTableModel;
class HumanRatingPanel;
class ProjectSession;
class PromptTableModel;
class RefinementPanel;
class StageBar;
class StageRunner;

class ExplorerPage : public QWidget {
    Q_OBJECT
public:
    explicit ExplorerPage(ProjectSession *session, QWidget *parent = nullptr);

    PromptTableModel *promptModel() const { return m_prompts; }
    CandidateTableModel *candidateModel() const { return m_candidates; }
    QTableView *promptView() const { return m_promptView; }
    QTableView *candidateView() const { return m_candidateView; }
    QTextBrowser *rationaleView() const { return m_rationale; }
    RefinementPanel *refinementPanel() const { return m_refinement; }
    HumanRatingPanel *ratingPanel() const { return m_rating; }
    QTabWidget *details() const { return m_details; }
    StageRunner *stages() const { return m_stages; }

    /// Selects a loaded prompt / a candidate of the selected prompt / an aspect
    /// column of the selected candidate; false when not there.
    bool selectPrompt(qint64 promptId);
    bool selectCandidate(qint64 candidateId);
    bool selectAspect(const QString &aspect);
    qint64 selectedPromptId() const { return m_promptId; }

public Q_SLOTS:
    /// Judges the unjudged candidates of the selected prompt with the judge spec
    /// typed in the stage bar.
    void judgeSelectedPrompt();
    /// Samples candidates for the selected prompt with the project's model.
    void sampleSelectedPrompt();

private:
    QWidget *createFilterBar();
    void loadOrder(const std::string &key, bool descending, const store::PromptFilter &filter,
                   std::function<void(std::vector<std::int64_t>)> done);
    void reloadAll();
    void promptsLoaded();
    void applyFilter();
    void showPrompt(qint64 promptId);
    void showCandidate(int row);
    void showCell(const QModelIndex &index);
    void showError(const QString &message);

    ProjectSession *m_session;
    PromptTableModel *m_prompts;
    CandidateTableModel *m_candidates;
    StageRunner *m_stages;
    feedback::Rubric m_rubric;
    qint64 m_promptId = 0;
    qint64 m_keepPrompt = 0; // re-selected when the list has reloaded
    qint64 m_keepCandidate = 0; // with the candidate and column looked at
    int m_keepColumn = -1;

    QLineEdit *m_search = nullptr;
    QComboBox *m_split = nullptr;
    QComboBox *m_state = nullptr;
    QComboBox *m_sort = nullptr;
    QLabel *m_count = nullptr;
    QTableView *m_promptView;
    QLabel *m_promptText;
    QTableView *m_candidateView;
    QTabWidget *m_details;
    QTextBrowser *m_rationale;
    RefinementPanel *m_refinement;
    HumanRatingPanel *m_rating;
    StageBar *m_stageBar;
};

} // namespace rlrf::ui
