// SPDX-License-Identifier: GPL-3.0-or-later
// A refinement beside the answer it refined: both texts with the word-level
// changes highlighted, the critique that drove the refinement, and how each
// aspect's rating moved.
#pragma once

#include "store/explorer_repository.h"

#include <QWidget>

#include <optional>

class QLabel;
class QTableWidget;
class QTextBrowser;

namespace rlrf::ui {

class RefinementPanel : public QWidget {
    Q_OBJECT
public:
    explicit RefinementPanel(QWidget *parent = nullptr);

    /// Nothing: shows a hint to pick a refinement.
    void setRefinement(const std::optional<store::RefinementView> &view);

    QTextBrowser *originalView() const { return m_original; }
    QTextBrowser *refinedView() const { return m_refined; }
    QTextBrowser *critiqueView() const { return m_critique; }
    QTableWidget *changesTable() const { return m_changes; }

private:
    QLabel *m_header;
    QTextBrowser *m_original;
    QTextBrowser *m_refined;
    QTextBrowser *m_critique;
    QTableWidget *m_changes;
};

} // namespace rlrf::ui
