// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/refinement_panel.h"

#include "models/candidate_table_model.h"
#include "string_convert.h"
#include "widgets/diff_html.h"

#include "feedback/text_diff.h"

#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBrowser>

namespace rlrf::ui {
namespace {

QString ratingText(int rating)
{
    return rating == 0 ? QStringLiteral("–") : QString::number(rating);
}

QString critiqueHtml(const store::CritiqueRecord &record)
{
    QString html = QObject::tr("<b>Critique #%1</b> by %2 — overall %3<br>")
                       .arg(record.id)
                       .arg(toQString(record.critique.judge).toHtmlEscaped())
                       .arg(record.critique.overall, 0, 'f', 2);
    for (const auto &a : record.critique.aspects) {
        if (a.rating == 0)
            continue;
        html += QStringLiteral("<p><b>%1: %2</b> — %3</p>")
                    .arg(toQString(a.aspect).toHtmlEscaped(), ratingText(a.rating),
                         toQString(a.rationale).toHtmlEscaped());
    }
    return html;
}

QTextBrowser *makeBrowser(const QString &name, QWidget *parent)
{
    auto *browser = new QTextBrowser(parent);
    browser->setObjectName(name);
    return browser;
}

} // namespace

RefinementPanel::RefinementPanel(QWidget *parent)
    : QWidget(parent)
    , m_header(new QLabel(this))
    , m_original(makeBrowser(QStringLiteral("refinement.original"), this))
    , m_refined(makeBrowser(QStringLiteral("refinement.refined"), this))
    , m_critique(makeBrowser(QStringLiteral("refinement.critique"), this))
    , m_changes(new QTableWidget(0, 4, this))
{
    m_changes->setObjectName(QStringLiteral("refinement.changes"));
    m_changes->setHorizontalHeaderLabels({tr("Aspect"), tr("Before"), tr("After"), tr("Change")});
    m_changes->verticalHeader()->hide();
    m_changes->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_changes->setEditTriggers(QAbstractItemView::NoEditTriggers);

    auto *texts = new QSplitter(Qt::Horizontal, this);
    texts->addWidget(m_original);
    texts->addWidget(m_refined);
    auto *lower = new QSplitter(Qt::Horizontal, this);
    lower->addWidget(m_critique);
    lower->addWidget(m_changes);
    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_header, 0, 0);
    layout->addWidget(texts, 1, 0);
    layout->addWidget(lower, 2, 0);
    layout->setRowStretch(1, 3);
    layout->setRowStretch(2, 2);
    setRefinement(std::nullopt);
}

void RefinementPanel::setRefinement(const std::optional<store::RefinementView> &view)
{
    m_changes->setRowCount(0);
    if (!view) {
        m_header->setText(tr("Select a refinement (Kind “refines #…”) to see it beside the answer it refined."));
        m_original->clear();
        m_refined->clear();
        m_critique->clear();
        return;
    }
    const auto runs = feedback::wordDiff(view->original.text, view->refined.text);
    const auto stats = feedback::diffStats(runs);
    m_header->setText(tr("<b>Original #%1</b> → <b>refinement #%2</b>: %3 words kept, %4 removed, %5 inserted")
                          .arg(view->original.id)
                          .arg(view->refined.id)
                          .arg(stats.kept)
                          .arg(stats.removed)
                          .arg(stats.inserted));
    m_original->setHtml(diffHtml(runs, DiffSide::Before));
    m_refined->setHtml(diffHtml(runs, DiffSide::After));
    m_critique->setHtml(tr("<i>The critique the refinement was written from:</i><br>")
                        + critiqueHtml(view->critiqueUsed));
    for (const auto &change : view->aspectChanges) {
        const int row = m_changes->rowCount();
        m_changes->insertRow(row);
        m_changes->setItem(row, 0, new QTableWidgetItem(toQString(change.aspect)));
        auto *before = new QTableWidgetItem(ratingText(change.before));
        before->setBackground(CandidateTableModel::ratingColour(change.before));
        auto *after = new QTableWidgetItem(view->refinedCritique ? ratingText(change.after) : tr("not judged"));
        after->setBackground(CandidateTableModel::ratingColour(change.after));
        const bool rated = change.before > 0 && change.after > 0;
        auto *delta = new QTableWidgetItem(rated ? QString::asprintf("%+d", change.after - change.before) : QString());
        m_changes->setItem(row, 1, before);
        m_changes->setItem(row, 2, after);
        m_changes->setItem(row, 3, delta);
    }
}

} // namespace rlrf::ui
