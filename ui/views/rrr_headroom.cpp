// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/rrr_headroom.h"

#include "string_convert.h"

#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace rlrf::ui {

namespace {

QPlainTextEdit *readOnlyText(const QString &name, QWidget *parent)
{
    auto *text = new QPlainTextEdit(parent);
    text->setReadOnly(true);
    text->setObjectName(QStringLiteral("rrr.headroom.") + name);
    // Two lines at least: six of them stacked must not make the window taller
    // than the other areas need.
    text->setMinimumHeight(2 * text->fontMetrics().lineSpacing() + 12);
    return text;
}

QString mark(bool correct)
{
    return correct ? QStringLiteral("✓") : QStringLiteral("✗");
}

QString phaseTotals(const QString &phase, const std::vector<store::RrrEvalQueryRecord> &queries)
{
    if (queries.empty())
        return RrrHeadroomView::tr("%1: not recorded.").arg(phase);
    const auto h = store::headroomOf(queries);
    if (h.failures == 0)
        return RrrHeadroomView::tr("%1: no failures among %2 queries.").arg(phase).arg(h.queries);
    QString text = (h.failures == 1
                        ? RrrHeadroomView::tr("%1: of %2 failure, the model's own reflection led to a right retry in %3")
                        : RrrHeadroomView::tr("%1: of %2 failures, the model's own reflection led to a right retry in %3"))
                       .arg(phase)
                       .arg(h.failures)
                       .arg(h.ownSolved);
    if (h.oracleAvailable == 0)
        return text + RrrHeadroomView::tr("; the task has no perfect reflection.");
    text += RrrHeadroomView::tr(", a perfect reflection in %1").arg(h.oracleSolved);
    if (h.oracleAvailable < h.failures)
        text += RrrHeadroomView::tr(" (of the %1 it could write one for)").arg(h.oracleAvailable);
    return text + QLatin1Char('.');
}

} // namespace

RrrHeadroomView::RrrHeadroomView(QWidget *parent)
    : QWidget(parent)
    , m_totals(new QLabel(this))
    , m_table(new QTableWidget(0, 5, this))
    , m_prompt(readOnlyText(QStringLiteral("prompt"), this))
    , m_attempt(readOnlyText(QStringLiteral("attempt"), this))
    , m_ownReflection(readOnlyText(QStringLiteral("own_reflection"), this))
    , m_ownRetry(readOnlyText(QStringLiteral("own_retry"), this))
    , m_oracleReflection(readOnlyText(QStringLiteral("oracle_reflection"), this))
    , m_oracleRetry(readOnlyText(QStringLiteral("oracle_retry"), this))
    , m_verdicts(new QLabel(this))
{
    m_totals->setObjectName(QStringLiteral("rrr.headroom.totals"));
    m_totals->setWordWrap(true);
    m_totals->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_table->setObjectName(QStringLiteral("rrr.headroom.failures"));
    m_table->setHorizontalHeaderLabels(
        {tr("Phase"), tr("Prompt"), tr("Failed attempt"), tr("Own → retry"), tr("Perfect → retry")});
    auto *header = m_table->horizontalHeader();
    for (int column : {0, 3, 4})
        header->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(1, QHeaderView::Stretch);
    header->setSectionResizeMode(2, QHeaderView::Stretch);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    connect(m_table, &QTableWidget::currentCellChanged, this, [this](int row) { selectFailure(row); });

    auto *texts = new QWidget(this);
    auto *grid = new QGridLayout(texts);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(new QLabel(tr("<b>Prompt and failed attempt</b>"), this), 0, 0);
    grid->addWidget(new QLabel(tr("<b>The model's own reflection → retry</b>"), this), 0, 1);
    grid->addWidget(new QLabel(tr("<b>A perfect reflection → retry</b>"), this), 0, 2);
    grid->addWidget(m_prompt, 1, 0);
    grid->addWidget(m_ownReflection, 1, 1);
    grid->addWidget(m_oracleReflection, 1, 2);
    grid->addWidget(m_attempt, 2, 0);
    grid->addWidget(m_ownRetry, 2, 1);
    grid->addWidget(m_oracleRetry, 2, 2);
    grid->addWidget(m_verdicts, 3, 0, 1, 3);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(texts);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_totals);
    layout->addWidget(split, 1);
    clear();
}

void RrrHeadroomView::clear()
{
    m_runId = 0;
    m_recorded = 0;
    fill({}, {});
    m_totals->clear();
}

void RrrHeadroomView::showRun(store::Database &db, std::int64_t runId)
{
    store::RrrEvalRepository repo(db);
    if (runId == m_runId && static_cast<std::size_t>(repo.count(runId)) == m_recorded)
        return; // nothing new: what the person looks at stays as it is
    const auto before = repo.queries(runId, store::kRrrPhaseBefore);
    const auto after = repo.queries(runId, store::kRrrPhaseAfter);
    const int selected = runId == m_runId ? m_table->currentRow() : -1;
    m_runId = runId;
    m_recorded = before.size() + after.size();
    fill(before, after);
    if (m_recorded == 0)
        m_totals->setText(tr("No headroom recorded for this run: it was evaluated before the workbench kept the "
                             "evaluation's queries, or it has not been evaluated yet."));
    else
        m_totals->setText(phaseTotals(tr("Before training"), before) + QLatin1Char('\n')
                          + phaseTotals(tr("After training"), after));
    if (selected >= 0 && selected < m_table->rowCount())
        m_table->setCurrentCell(selected, 0);
}

void RrrHeadroomView::fill(const std::vector<store::RrrEvalQueryRecord> &before,
                           const std::vector<store::RrrEvalQueryRecord> &after)
{
    m_rows.clear();
    for (const auto *phase : {&before, &after})
        for (const auto &q : *phase)
            if (!q.firstCorrect)
                m_rows.push_back({phase == &after, q});
    const QSignalBlocker block(m_table);
    m_table->setRowCount(static_cast<int>(m_rows.size()));
    int row = 0;
    for (const auto &f : m_rows) {
        const auto &q = f.query;
        const QString items[] = {f.after ? tr("after") : tr("before"), toQString(q.prompt).left(80),
                                 toQString(q.firstAttempt).simplified().left(60), mark(q.ownCorrect),
                                 q.hasOracle() ? mark(q.oracleCorrect) : tr("—")};
        for (int column = 0; column < 5; ++column)
            m_table->setItem(row, column, new QTableWidgetItem(items[column]));
        ++row;
    }
    m_table->setCurrentCell(m_rows.empty() ? -1 : 0, 0);
    selectFailure(m_rows.empty() ? -1 : 0);
}

void RrrHeadroomView::selectFailure(int row)
{
    if (row < 0 || row >= static_cast<int>(m_rows.size())) {
        for (auto *text : {m_prompt, m_attempt, m_ownReflection, m_ownRetry, m_oracleReflection, m_oracleRetry})
            text->clear();
        m_verdicts->clear();
        return;
    }
    const auto &q = m_rows[static_cast<std::size_t>(row)].query;
    m_prompt->setPlainText(toQString(q.prompt));
    m_attempt->setPlainText(toQString(q.firstAttempt));
    m_ownReflection->setPlainText(toQString(q.ownReflection));
    m_ownRetry->setPlainText(toQString(q.ownRetry));
    m_oracleReflection->setPlainText(q.hasOracle() ? toQString(q.oracleReflection)
                                                   : tr("(the task has no perfect reflection for this query)"));
    m_oracleRetry->setPlainText(toQString(q.oracleRetry));
    const QString own = tr("Own reflection's retry %1 %2").arg(mark(q.ownCorrect), q.ownCorrect ? tr("right") : tr("wrong"));
    const QString oracle = q.hasOracle() ? tr("perfect reflection's retry %1 %2")
                                               .arg(mark(q.oracleCorrect), q.oracleCorrect ? tr("right") : tr("wrong"))
                                         : tr("no perfect reflection");
    m_verdicts->setText(own + QStringLiteral(" · ") + oracle);
}

QString RrrHeadroomView::totalsText() const
{
    return m_totals->text();
}

QString RrrHeadroomView::shownText(const QString &part) const
{
    const std::pair<const char *, QPlainTextEdit *> texts[] = {
        {"prompt", m_prompt},       {"attempt", m_attempt},
        {"own reflection", m_ownReflection}, {"own retry", m_ownRetry},
        {"oracle reflection", m_oracleReflection}, {"oracle retry", m_oracleRetry}};
    for (const auto &[name, text] : texts)
        if (part == QLatin1String(name))
            return text->toPlainText();
    return m_verdicts->text();
}

} // namespace rlrf::ui
