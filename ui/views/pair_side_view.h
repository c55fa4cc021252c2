// SPDX-License-Identifier: GPL-3.0-or-later
// One side of a preference pair in the review queue: the answer, its eight aspect
// ratings with rationales and the overall score. The text becomes editable while
// the reviewer edits it.
#pragma once

#include "types/critique.h"

#include <QWidget>

#include <optional>

class QLabel;
class QPlainTextEdit;
class QTableWidget;

namespace rlrf::ui {

class PairSideView : public QWidget {
    Q_OBJECT
public:
    PairSideView(const QString &title, QWidget *parent = nullptr);

    void show(const QString &text, const std::optional<feedback::Critique> &critique);
    void clear();
    /// An edited answer whose judge is still running: the new text, "judging…"
    /// in place of the score, no ratings (the old ones rate the old text).
    void showJudging(const QString &text, const QString &judge);
    void setEditing(bool editing);
    bool isEditing() const;
    QString text() const;
    void setText(const QString &text);
    QTableWidget *aspects() const { return m_aspects; }
    QString overallText() const;

private:
    QLabel *m_title;
    QPlainTextEdit *m_text;
    QTableWidget *m_aspects;
    QLabel *m_overall;
    QString m_titleText;
};

} // namespace rlrf::ui
