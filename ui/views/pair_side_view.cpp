// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/pair_side_view.h"

#include "string_convert.h"

#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTableWidget>
#include <QVBoxLayout>

namespace rlrf::ui {

PairSideView::PairSideView(const QString &title, QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_text(new QPlainTextEdit(this))
    , m_aspects(new QTableWidget(0, 3, this))
    , m_overall(new QLabel(this))
    , m_titleText(title)
{
    m_title->setText(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()));
    m_text->setReadOnly(true);
    m_text->setObjectName(QStringLiteral("text"));
    m_aspects->setHorizontalHeaderLabels({tr("Aspect"), tr("Rating"), tr("Rationale")});
    m_aspects->horizontalHeader()->setStretchLastSection(true);
    m_aspects->verticalHeader()->hide();
    m_aspects->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_aspects->setFocusPolicy(Qt::NoFocus);
    m_overall->setObjectName(QStringLiteral("overall"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_text, 2);
    layout->addWidget(m_overall);
    layout->addWidget(m_aspects, 3);
}

void PairSideView::show(const QString &text, const std::optional<feedback::Critique> &critique)
{
    m_text->setPlainText(text);
    m_aspects->setRowCount(0);
    if (!critique) {
        m_overall->setText(tr("Not rated"));
        return;
    }
    m_overall->setText(tr("Overall %1 — judge %2").arg(critique->overall, 0, 'f', 3).arg(toQString(critique->judge)));
    m_aspects->setRowCount(static_cast<int>(critique->aspects.size()));
    int row = 0;
    for (const auto &aspect : critique->aspects) {
        const QString rating = aspect.rating == feedback::kNotApplicable ? tr("n/a") : QString::number(aspect.rating);
        m_aspects->setItem(row, 0, new QTableWidgetItem(toQString(aspect.aspect)));
        m_aspects->setItem(row, 1, new QTableWidgetItem(rating));
        auto *why = new QTableWidgetItem(toQString(aspect.rationale));
        why->setToolTip(toQString(aspect.rationale));
        m_aspects->setItem(row, 2, why);
        ++row;
    }
    m_aspects->resizeColumnsToContents();
}

void PairSideView::showJudging(const QString &text, const QString &judge)
{
    m_text->setPlainText(text);
    m_aspects->setRowCount(0);
    m_overall->setText(tr("judging… (%1)").arg(judge));
}

QString PairSideView::overallText() const
{
    return m_overall->text();
}

void PairSideView::clear()
{
    m_text->clear();
    m_aspects->setRowCount(0);
    m_overall->clear();
}

void PairSideView::setEditing(bool editing)
{
    m_text->setReadOnly(!editing);
    m_title->setText(editing ? QStringLiteral("<b>%1</b> — %2").arg(m_titleText.toHtmlEscaped(), tr("editing (Ctrl+S saves, Esc cancels)"))
                             : QStringLiteral("<b>%1</b>").arg(m_titleText.toHtmlEscaped()));
    if (editing)
        m_text->setFocus();
}

bool PairSideView::isEditing() const
{
    return !m_text->isReadOnly();
}

QString PairSideView::text() const
{
    return m_text->toPlainText();
}

void PairSideView::setText(const QString &text)
{
    m_text->setPlainText(text);
}

} // namespace rlrf::ui
