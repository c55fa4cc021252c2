// SPDX-License-Identifier: GPL-3.0-or-later
// The Pairs area: a keyboard-first review queue over the project's preference
// pairs. Chosen and rejected stand side by side with their aspect ratings and
// critiques; one key per action (A approve, R reject, S swap, E / Shift+E edit the
// chosen / rejected answer, J / K next / previous, U or Ctrl+Z undo); a bulk rule
// approves every pending pair with a gap of at least x; counts by state on top.
// Each action goes through review::PairReview, so the store keeps its history.
#pragma once

#include "store/pair_repository.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QTableWidget;

namespace rlrf::feedback {
class Judge;
}
namespace rlrf::review {
class PairReview;
}
namespace rlrf::store {
class Project;
}

namespace rlrf::ui {

class PairSideView;

class PairsPage : public QWidget {
    Q_OBJECT
public:
    explicit PairsPage(QWidget *parent = nullptr);
    ~PairsPage() override;

    /// Opens the project's pairs; false (with the reason in the status line) when
    /// it cannot be read.
    bool setProject(const QString &path);
    void reload();

    std::int64_t currentPairId() const;
    bool selectPair(std::int64_t pairId);
    /// One key of the queue; true when it was an action key.
    bool handleKey(int key, Qt::KeyboardModifiers modifiers = Qt::NoModifier);
    /// Replaces one side's text and has it judged again (what E then Ctrl+S do).
    bool editCurrent(store::PairSide side, const QString &text);
    std::int64_t approveAllWithGapAtLeast(double minGap);
    QString countsText() const;
    QString statusText() const;

Q_SIGNALS:
    void pairsChanged();

protected:
    void keyPressEvent(QKeyEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    template <typename Action> bool act(Action action, bool advance);
    void showCurrent();
    void move(int delta);
    void startEdit(store::PairSide side);
    void finishEdit(bool save);
    void setStatus(const QString &text);

    std::unique_ptr<store::Project> m_project;
    std::unique_ptr<feedback::Judge> m_judge;
    std::unique_ptr<review::PairReview> m_review;
    QComboBox *m_filter;
    QLabel *m_counts;
    QTableWidget *m_list;
    QLabel *m_prompt;
    PairSideView *m_chosen;
    PairSideView *m_rejected;
    QDoubleSpinBox *m_minGap;
    QLabel *m_status;
    std::optional<store::PairSide> m_editing;
};

} // namespace rlrf::ui
