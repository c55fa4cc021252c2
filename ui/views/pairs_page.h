// SPDX-License-Identifier: GPL-3.0-or-later
// The Pairs area: a keyboard-first review queue over the project's preference
// pairs. Chosen and rejected stand side by side with their aspect ratings and
// critiques; one key per action (A approve, R reject, S swap, E / Shift+E edit the
// chosen / rejected answer, J / K next / previous, U or Ctrl+Z undo); a bulk rule
// approves every pending pair with a gap of at least x; counts by state on top.
//
// The queue (counts and list) is read, and every action (re-judging an edit
// included) runs, on the backend thread through the project session's writer
// connection (review::ReviewDesk keeps the judge and the undo history there); the
// results come back as plain values. Only the selected pair's few rows are read
// on the GUI thread, through the session's read connection, as the Explorer does.
//
// Keys typed while an action or a re-read of the queue is under way are queued
// and run in the order typed once the queue shows the action's result, exactly
// as if the reviewer had waited; none is dropped, none runs twice. A failed
// action drops the keys waiting behind it (they were meant for a queue that did
// not come about) and says so in the status line, as it does for keys waiting
// when an edit opens (they would otherwise be typed into the editor). An edit
// whose judging fails opens again with the reviewer's text.
#pragma once

#include "core/progress.h"
#include "pipeline/review/pair_queue.h"
#include "pipeline/review/review_desk.h"

#include <QWidget>

#include <deque>
#include <memory>
#include <optional>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QTableView;

namespace rlrf::ui {

class PairQueueModel;
class PairSideView;
class ProjectSession;

class PairsPage : public QWidget {
    Q_OBJECT
public:
    explicit PairsPage(ProjectSession *session, QWidget *parent = nullptr);
    ~PairsPage() override;

    /// The judge for edited answers, made on the backend thread from the task
    /// name when a project opens (default: the task's rule or verifier judge).
    void setJudgeFactory(review::JudgeFactory factory);

    /// Reads the queue again on the backend thread (queueLoaded() follows).
    void reload();

    std::int64_t currentPairId() const;
    bool selectPair(std::int64_t pairId);
    /// One key of the queue; true when it was a queue key (run, or queued while
    /// the page is busy).
    bool handleKey(int key, Qt::KeyboardModifiers modifiers = Qt::NoModifier);
    /// Replaces one side's text and has it judged again (what E then Ctrl+S do);
    /// false when refused (nothing selected, no review, an action under way).
    bool editCurrent(store::PairSide side, const QString &text);
    /// Starts approving every pending pair with a gap ≥ minGap; false when refused.
    bool approveAllWithGapAtLeast(double minGap);
    /// An action or a read of the queue is under way (keys are queued meanwhile).
    bool isBusy() const;
    int queuedKeys() const { return static_cast<int>(m_keys.size()); }
    QString countsText() const;
    QString statusText() const;
    QTableView *list() const { return m_list; }
    PairQueueModel *queueModel() const { return m_model; }

Q_SIGNALS:
    /// A review action changed the stored pairs.
    void pairsChanged();
    /// The queue was read (after opening, a filter change or an action).
    void queueLoaded();
    /// An action ended and the queue shows its outcome; false when it failed
    /// (the reason is in the status line).
    void actionFinished(bool succeeded);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    // Where the selection goes once the queue has been read after an action.
    struct AfterWrite {
        std::int64_t pairId = 0; // select this pair when listed
        int row = -1;            // else this row (clamped)
        QString status;          // shown when the action succeeded
        std::optional<double> bulkGap; // approve by gap: the count goes into the status
        std::optional<store::PairSide> editSide; // an edit: reopened with its text when it fails
        QString editText;
    };

    void buildLayout();
    void projectOpened();
    void projectClosed();
    void startLoad();
    void queueRead(Outcome outcome, const QString &message, review::PairQueue queue);
    void showQueue(review::PairQueue queue);
    bool submit(const review::ReviewAction &action, AfterWrite after, const QString &name);
    void writeFinished(Outcome outcome, const QString &message, const review::ReviewResult &result, AfterWrite after);
    bool runKey(int key, Qt::KeyboardModifiers modifiers);
    void reviewCurrent(review::ReviewActionKind kind, bool advance);
    void undo();
    void drainKeys();
    void dropKeys(const QString &why);
    void showCurrent();
    void move(int delta);
    void selectRow(int row);
    void startEdit(store::PairSide side);
    void finishEdit(bool save);
    void updateBusy();
    void setStatus(const QString &text);

    ProjectSession *m_session;
    review::JudgeFactory m_judges;
    std::shared_ptr<review::ReviewDesk> m_desk; // used only inside jobs
    QString m_judgeId;                          // empty: the review is read-only
    bool m_canUndo = false;
    int m_prepareJob = 0;
    int m_loadJob = 0;
    int m_writeJob = 0;
    bool m_loadAgain = false;
    std::optional<AfterWrite> m_afterWrite;
    std::deque<std::pair<int, Qt::KeyboardModifiers>> m_keys;
    std::optional<store::PairSide> m_editing;
    std::int64_t m_editingPair = 0;

    PairQueueModel *m_model;
    QComboBox *m_filter;
    QLabel *m_counts;
    QTableView *m_list;
    QLabel *m_prompt;
    PairSideView *m_chosen;
    PairSideView *m_rejected;
    QPushButton *m_bulk;
    QDoubleSpinBox *m_minGap;
    QLabel *m_status;
};

} // namespace rlrf::ui
