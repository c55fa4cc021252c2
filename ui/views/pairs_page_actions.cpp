// SPDX-License-Identifier: GPL-3.0-or-later
// The Pairs area's keys and actions. Each action is one job on the backend
// thread (review::ReviewDesk on the session's writer connection); while it and
// the read of the queue after it are under way, the keys typed wait in order.
#include "views/pairs_page.h"

#include "models/pair_queue_model.h"
#include "project_session.h"
#include "string_convert.h"
#include "views/pair_side_view.h"

#include <QComboBox>
#include <QKeyEvent>
#include <QPointer>
#include <QTableView>

namespace rlrf::ui {
namespace {

// Enough for any burst a reviewer types; beyond it keys are refused, visibly.
constexpr std::size_t kMaxQueuedKeys = 64;

bool isQueueKey(int key, Qt::KeyboardModifiers modifiers)
{
    switch (key) {
    case Qt::Key_A:
    case Qt::Key_R:
    case Qt::Key_S:
    case Qt::Key_E:
    case Qt::Key_J:
    case Qt::Key_K:
    case Qt::Key_U: return true;
    case Qt::Key_Z: return (modifiers & Qt::ControlModifier) != 0;
    default: return false;
    }
}

} // namespace

bool PairsPage::handleKey(int key, Qt::KeyboardModifiers modifiers)
{
    if (m_editing) {
        if (key == Qt::Key_Escape || (key == Qt::Key_S && (modifiers & Qt::ControlModifier))) {
            finishEdit(key == Qt::Key_S);
            return true;
        }
        return false;
    }
    if (!isQueueKey(key, modifiers))
        return false;
    if (isBusy() || !m_keys.empty()) {
        if (m_keys.size() >= kMaxQueuedKeys) {
            setStatus(tr("%1 keys are already waiting; this one was not taken.").arg(m_keys.size()));
            return true;
        }
        m_keys.emplace_back(key, modifiers);
        setStatus(tr("Working… keys waiting: %1.").arg(m_keys.size()));
        return true;
    }
    return runKey(key, modifiers);
}

bool PairsPage::runKey(int key, Qt::KeyboardModifiers modifiers)
{
    switch (key) {
    case Qt::Key_A: reviewCurrent(review::ReviewActionKind::Approve, true); break;
    case Qt::Key_R: reviewCurrent(review::ReviewActionKind::Reject, true); break;
    case Qt::Key_S: reviewCurrent(review::ReviewActionKind::Swap, false); break;
    case Qt::Key_E:
        startEdit(modifiers & Qt::ShiftModifier ? store::PairSide::Rejected : store::PairSide::Chosen);
        break;
    case Qt::Key_J: move(1); break;
    case Qt::Key_K: move(-1); break;
    default: undo(); break; // U, Ctrl+Z
    }
    return true;
}

// Runs the keys typed while the page was busy, in order, until one starts an
// action (the rest wait for it) or opens an edit (the rest are dropped).
void PairsPage::drainKeys()
{
    while (!m_keys.empty() && !isBusy()) {
        const auto [key, modifiers] = m_keys.front();
        m_keys.pop_front();
        runKey(key, modifiers);
        if (m_editing && !m_keys.empty())
            dropKeys(tr("an edit is open"));
    }
}

void PairsPage::dropKeys(const QString &why)
{
    if (m_keys.empty())
        return;
    const auto dropped = static_cast<int>(m_keys.size());
    m_keys.clear();
    const QString count = dropped == 1 ? tr("1 waiting key dropped") : tr("%1 waiting keys dropped").arg(dropped);
    setStatus(statusText() + QStringLiteral(" (") + count + QStringLiteral(": ") + why + QStringLiteral(")"));
}

void PairsPage::reviewCurrent(review::ReviewActionKind kind, bool advance)
{
    const auto id = currentPairId();
    if (id == 0) {
        setStatus(m_judgeId.isEmpty() ? tr("Nothing to review: open a project with pairs and a rubric.")
                                      : tr("Select a pair first."));
        return;
    }
    review::ReviewAction action;
    action.kind = kind;
    action.pairId = id;
    AfterWrite after;
    after.pairId = id;
    // After approve or reject the next pair: the row below in the full list, the
    // row the pair leaves empty in a list filtered by state.
    const int row = m_list->currentIndex().row();
    if (advance) {
        after.row = m_filter->currentData().toString().isEmpty() ? row + 1 : row;
        after.pairId = m_filter->currentData().toString().isEmpty() ? m_model->pairId(row + 1) : 0;
        if (after.pairId == 0 && after.row >= m_model->rowCount())
            after.pairId = id; // the last pair stays selected
    }
    const QString verb = kind == review::ReviewActionKind::Approve  ? tr("approved")
                         : kind == review::ReviewActionKind::Reject ? tr("rejected")
                                                                    : tr("swapped");
    after.status = tr("Pair %1 %2.").arg(id).arg(verb);
    submit(action, after, tr("Review pair %1 (%2)").arg(id).arg(verb));
}

void PairsPage::undo()
{
    if (!m_canUndo) {
        setStatus(m_judgeId.isEmpty() ? tr("Nothing to review: open a project with pairs and a rubric.")
                                      : tr("Nothing to undo."));
        return;
    }
    review::ReviewAction action;
    action.kind = review::ReviewActionKind::Undo;
    submit(action, AfterWrite{}, tr("Undo the last review action"));
}

bool PairsPage::editCurrent(store::PairSide side, const QString &text)
{
    const auto id = currentPairId();
    if (id == 0 || m_judgeId.isEmpty() || m_writeJob != 0 || m_afterWrite) {
        setStatus(id == 0 ? tr("Select a pair first.") : m_judgeId.isEmpty() ? tr("Edits cannot be judged here.")
                                                                               : tr("Wait for the last action to finish."));
        return false;
    }
    review::ReviewAction action;
    action.kind = review::ReviewActionKind::Edit;
    action.pairId = id;
    action.side = side;
    action.text = toStdString(text);
    AfterWrite after;
    after.pairId = id;
    after.status = tr("Pair %1: the edited answer was judged again by %2.").arg(id).arg(m_judgeId);
    after.editSide = side;
    after.editText = text;
    if (!submit(action, after, tr("Judge the edited answer of pair %1").arg(id)))
        return false;
    (side == store::PairSide::Chosen ? m_chosen : m_rejected)->showJudging(text, m_judgeId);
    setStatus(tr("Judging the edited %1 answer of pair %2 with %3…")
                  .arg(side == store::PairSide::Chosen ? tr("chosen") : tr("rejected"))
                  .arg(id)
                  .arg(m_judgeId));
    return true;
}

bool PairsPage::approveAllWithGapAtLeast(double minGap)
{
    if (isBusy()) {
        setStatus(tr("Wait for the last action to finish."));
        return false;
    }
    review::ReviewAction action;
    action.kind = review::ReviewActionKind::ApproveByGap;
    action.minGap = minGap;
    AfterWrite after;
    after.pairId = currentPairId();
    after.bulkGap = minGap;
    return submit(action, after, tr("Approve pending pairs with gap ≥ %1").arg(minGap));
}

// One action as a job on the backend thread; the queue is read again after it.
bool PairsPage::submit(const review::ReviewAction &action, AfterWrite after, const QString &name)
{
    if (!m_desk || m_judgeId.isEmpty()) {
        setStatus(m_desk ? tr("Review is read-only: the project has no rubric or its task no judge.")
                         : tr("Nothing to review: open a project with pairs and a rubric."));
        return false;
    }
    auto result = std::make_shared<review::ReviewResult>();
    auto desk = m_desk;
    m_writeJob = m_session->run(
        name,
        [desk, action, result](store::Project &project, const RunContext &) {
            *result = desk->apply(project, action);
            return JobResult{Outcome::Succeeded, {}};
        },
        [self = QPointer<PairsPage>(this), desk, result, after](Outcome outcome, const QString &message) {
            if (self && self->m_desk == desk && self->m_writeJob != 0)
                self->writeFinished(outcome, message, *result, after);
        });
    updateBusy();
    return m_writeJob != 0;
}

void PairsPage::writeFinished(Outcome outcome, const QString &message, const review::ReviewResult &result,
                              AfterWrite after)
{
    m_writeJob = 0;
    if (outcome != Outcome::Succeeded) {
        setStatus(message);
        dropKeys(tr("the action before them failed"));
        updateBusy();
        showCurrent();
        if (after.editSide && selectPair(after.pairId)) { // the reviewer's text is not lost
            startEdit(*after.editSide);
            (*after.editSide == store::PairSide::Chosen ? m_chosen : m_rejected)->setText(after.editText);
            setStatus(statusText() + QLatin1Char(' ') + tr("The edit is still open: Ctrl+S tries again, Esc drops it."));
        }
        Q_EMIT actionFinished(false);
        return;
    }
    m_canUndo = result.canUndo;
    if (after.bulkGap)
        after.status = tr("Approved %1 pending pairs with gap ≥ %2.").arg(result.approved).arg(*after.bulkGap);
    if (after.pairId == 0 && after.row < 0 && !result.touched.empty()) { // undo: show what it restored
        after.pairId = result.touched.front();
        after.status = tr("Undone: %n pair(s) restored.", nullptr, static_cast<int>(result.touched.size()));
    }
    m_afterWrite = after;
    reload(); // actionFinished() follows once the queue shows the result
}

void PairsPage::startEdit(store::PairSide side)
{
    if (currentPairId() == 0)
        return;
    m_editing = side;
    m_editingPair = currentPairId();
    (side == store::PairSide::Chosen ? m_chosen : m_rejected)->setEditing(true);
}

void PairsPage::finishEdit(bool save)
{
    const auto side = *m_editing;
    auto *view = side == store::PairSide::Chosen ? m_chosen : m_rejected;
    const QString text = view->text();
    view->setEditing(false);
    m_editing.reset();
    if (!save || !selectPair(m_editingPair) || !editCurrent(side, text))
        showCurrent();
    m_list->setFocus();
}

void PairsPage::keyPressEvent(QKeyEvent *event)
{
    if (!handleKey(event->key(), event->modifiers()))
        QWidget::keyPressEvent(event);
}

// The list would take letters for its own type-ahead search; the queue's keys win.
bool PairsPage::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_list && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (handleKey(key->key(), key->modifiers()))
            return true;
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace rlrf::ui
