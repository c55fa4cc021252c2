// SPDX-License-Identifier: GPL-3.0-or-later
// The Pairs area's layout, the reading of the queue on the backend thread and the
// selected pair's view. The actions and keys are in pairs_page_actions.cpp.
#include "views/pairs_page.h"

#include "models/pair_queue_model.h"
#include "project_session.h"
#include "string_convert.h"
#include "views/pair_side_view.h"

#include "core/error.h"
#include "core/logging.h"
#include "pipeline/review/pair_queue.h"
#include "store/project_file.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace rlrf::ui {

PairsPage::PairsPage(ProjectSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_judges(review::makeEditJudge)
    , m_model(new PairQueueModel(this))
    , m_filter(new QComboBox(this))
    , m_counts(new QLabel(this))
    , m_list(new QTableView(this))
    , m_prompt(new QLabel(this))
    , m_chosen(new PairSideView(tr("Chosen"), this))
    , m_rejected(new PairSideView(tr("Rejected"), this))
    , m_bulk(new QPushButton(tr("Approve all pending with gap ≥"), this))
    , m_minGap(new QDoubleSpinBox(this))
    , m_status(new QLabel(this))
{
    buildLayout();
    connect(m_filter, &QComboBox::currentIndexChanged, this, &PairsPage::reload);
    connect(m_list->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] { showCurrent(); });
    connect(m_bulk, &QPushButton::clicked, this, [this] { approveAllWithGapAtLeast(m_minGap->value()); });
    connect(m_session, &ProjectSession::opened, this, &PairsPage::projectOpened);
    connect(m_session, &ProjectSession::closed, this, &PairsPage::projectClosed);
    connect(m_session, &ProjectSession::openFailed, this, [this](const QString &path, const QString &message) {
        setStatus(tr("Cannot open %1: %2").arg(path, message));
    });
    // Another area wrote to the project: read the queue again. During an action
    // of this page the read after it is already on its way.
    connect(m_session, &ProjectSession::changed, this, [this] {
        if (m_writeJob == 0 && !m_afterWrite)
            reload();
    });
    if (m_session->isOpen())
        projectOpened();
}

PairsPage::~PairsPage() = default;

void PairsPage::buildLayout()
{
    m_filter->addItem(tr("All states"), QString());
    for (const char *state : {"pending", "approved", "rejected", "edited"})
        m_filter->addItem(QString::fromLatin1(state), QString::fromLatin1(state));
    m_filter->setObjectName(QStringLiteral("pairs.filter"));
    m_counts->setObjectName(QStringLiteral("pairs.counts"));
    m_status->setObjectName(QStringLiteral("pairs.status"));
    m_bulk->setObjectName(QStringLiteral("pairs.bulk"));
    m_list->setObjectName(QStringLiteral("pairs.list"));
    m_list->setModel(m_model);
    m_list->horizontalHeader()->setStretchLastSection(true);
    m_list->verticalHeader()->hide();
    m_list->verticalHeader()->setDefaultSectionSize(22);
    m_list->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Fixed widths: sizing to contents would measure every listed pair.
    const std::pair<int, int> widths[] = {{PairQueueModel::IdColumn, 44}, {PairQueueModel::StateColumn, 64},
                                          {PairQueueModel::GapColumn, 50}, {PairQueueModel::RuleColumn, 104}};
    for (const auto &[column, width] : widths)
        m_list->setColumnWidth(column, width);
    m_list->installEventFilter(this);
    m_prompt->setWordWrap(true);
    m_prompt->setObjectName(QStringLiteral("pairs.prompt"));
    m_minGap->setRange(-1.0, 1.0);
    m_minGap->setSingleStep(0.05);
    m_minGap->setValue(0.5);

    auto *top = new QHBoxLayout;
    top->addWidget(m_filter);
    top->addWidget(m_counts, 1);
    top->addWidget(m_bulk);
    top->addWidget(m_minGap);

    auto *sides = new QWidget(this);
    auto *sidesLayout = new QHBoxLayout(sides);
    sidesLayout->setContentsMargins(0, 0, 0, 0);
    sidesLayout->addWidget(m_chosen);
    sidesLayout->addWidget(m_rejected);
    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->addWidget(m_prompt);
    detailLayout->addWidget(sides, 1);
    auto *keys = new QLabel(tr("A approve · R reject · S swap · E / Shift+E edit chosen / rejected · "
                               "J / K next / previous · U undo"),
                            this);
    detailLayout->addWidget(keys);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_list);
    splitter->addWidget(detail);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({420, 980}); // the list shows the start of each prompt
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_status);
    setFocusPolicy(Qt::StrongFocus);
}

void PairsPage::setJudgeFactory(review::JudgeFactory factory)
{
    m_judges = std::move(factory);
}

// A new desk per project (its undo history is that project's), prepared on the
// backend thread, then the first read of the queue.
void PairsPage::projectOpened()
{
    projectClosed();
    const QString author = qEnvironmentVariable("USER", QStringLiteral("reviewer"));
    auto desk = std::make_shared<review::ReviewDesk>(toStdString(author), m_judges);
    m_desk = desk;
    auto judgeId = std::make_shared<std::string>();
    m_prepareJob = m_session->read(
        tr("Prepare the pair review"),
        [desk, judgeId](store::Project &project, const RunContext &) {
            *judgeId = desk->open(project);
            return JobResult{Outcome::Succeeded, {}};
        },
        [self = QPointer<PairsPage>(this), desk, judgeId](Outcome outcome, const QString &message) {
            if (!self || self->m_desk != desk)
                return;
            self->m_prepareJob = 0;
            self->m_judgeId = outcome == Outcome::Succeeded ? toQString(*judgeId) : QString();
            self->setStatus(outcome == Outcome::Succeeded ? tr("Edits are judged again by %1.").arg(self->m_judgeId)
                                                          : tr("Review is read-only: %1").arg(message));
            self->updateBusy();
            self->drainKeys();
        });
    reload();
}

void PairsPage::projectClosed()
{
    m_desk.reset();
    m_judgeId.clear();
    m_canUndo = false;
    m_prepareJob = m_loadJob = m_writeJob = 0; // their answers are ignored from now on
    m_loadAgain = false;
    m_afterWrite.reset();
    m_keys.clear();
    m_editing.reset();
    m_chosen->setEditing(false);
    m_rejected->setEditing(false);
    m_model->setRows({});
    m_counts->clear();
    showCurrent();
    updateBusy();
}

void PairsPage::reload()
{
    if (m_loadJob != 0) {
        m_loadAgain = true; // the read under way may predate the change
        return;
    }
    startLoad();
}

void PairsPage::startLoad()
{
    std::optional<store::ReviewState> state;
    if (const QString filter = m_filter->currentData().toString(); !filter.isEmpty())
        state = store::parseReviewState(toStdString(filter));
    auto queue = std::make_shared<review::PairQueue>();
    m_loadAgain = false;
    m_loadJob = m_session->read(
        tr("Read the pair queue"),
        [queue, state](store::Project &project, const RunContext &) {
            *queue = review::readPairQueue(project.db(), state);
            return JobResult{Outcome::Succeeded, {}};
        },
        [self = QPointer<PairsPage>(this), queue, desk = m_desk](Outcome outcome, const QString &message) {
            if (self && self->m_desk == desk && self->m_loadJob != 0)
                self->queueRead(outcome, message, std::move(*queue));
        });
    updateBusy();
}

void PairsPage::queueRead(Outcome outcome, const QString &message, review::PairQueue queue)
{
    m_loadJob = 0;
    if (m_loadAgain) { // a newer state is wanted: this one is already stale
        startLoad();
        return;
    }
    if (outcome == Outcome::Succeeded)
        showQueue(std::move(queue));
    else
        setStatus(tr("Cannot read the pairs: %1").arg(message));
    const bool afterAction = m_afterWrite.has_value();
    m_afterWrite.reset();
    updateBusy();
    Q_EMIT queueLoaded();
    if (afterAction) {
        Q_EMIT actionFinished(true);
        Q_EMIT pairsChanged();
    }
    drainKeys();
}

void PairsPage::showQueue(review::PairQueue queue)
{
    QStringList parts;
    for (const auto &[state, n] : queue.counts)
        parts << QStringLiteral("%1 %2").arg(n).arg(toQString(store::toString(state)));
    m_counts->setText(parts.join(QStringLiteral(" · ")));

    const std::int64_t keep = currentPairId();
    const int keepRow = std::max(m_list->currentIndex().row(), 0);
    m_model->setRows(std::move(queue.rows));
    int row = m_model->rowOfPair(keep);
    if (m_afterWrite) {
        if (const int at = m_model->rowOfPair(m_afterWrite->pairId); at >= 0)
            row = at;
        else if (m_afterWrite->row >= 0)
            row = m_afterWrite->row;
        if (!m_afterWrite->status.isEmpty())
            setStatus(m_afterWrite->status);
    }
    if (row < 0) // the pair left the filtered list: the one now in its place
        row = keepRow;
    selectRow(std::min(row, m_model->rowCount() - 1));
}

std::int64_t PairsPage::currentPairId() const
{
    return m_model->pairId(m_list->currentIndex().row());
}

bool PairsPage::selectPair(std::int64_t pairId)
{
    const int row = m_model->rowOfPair(pairId);
    if (row < 0)
        return false;
    selectRow(row);
    return true;
}

void PairsPage::selectRow(int row)
{
    const QModelIndex index =
        row >= 0 && row < m_model->rowCount() ? m_model->index(row, PairQueueModel::IdColumn) : QModelIndex();
    if (index == m_list->currentIndex()) {
        showCurrent(); // no currentRowChanged: show the (re-read) pair here
        return;
    }
    m_list->setCurrentIndex(index);
    if (index.isValid())
        m_list->scrollTo(index);
}

void PairsPage::move(int delta)
{
    const int row = m_list->currentIndex().row() + delta;
    if (row >= 0 && row < m_model->rowCount())
        selectRow(row);
}

// The selected pair's few rows (by id) are read on the GUI thread through the
// session's read connection: WAL lets them run beside the writer.
void PairsPage::showCurrent()
{
    if (m_editing)
        return; // the reviewer's text stays until it is saved or cancelled
    const auto id = currentPairId();
    store::Database *db = m_session->reader();
    if (!db || id == 0) {
        m_prompt->clear();
        m_chosen->clear();
        m_rejected->clear();
        return;
    }
    try {
        const review::PairView view = review::readPairView(*db, id);
        const auto &pair = view.pair;
        m_prompt->setText(tr("<b>Pair %1</b> (%2, gap %3, %4)<br>%5")
                              .arg(pair.id)
                              .arg(toQString(store::toString(pair.reviewState)))
                              .arg(pair.gap, 0, 'f', 3)
                              .arg(toQString(pair.rule), toQString(view.prompt).toHtmlEscaped()));
        m_chosen->show(toQString(pair.chosenText), view.chosen);
        m_rejected->show(toQString(pair.rejectedText), view.rejected);
    } catch (const Error &e) {
        setStatus(toQString(e.what()));
    }
}

bool PairsPage::isBusy() const
{
    return m_prepareJob != 0 || m_loadJob != 0 || m_writeJob != 0 || m_afterWrite.has_value();
}

void PairsPage::updateBusy()
{
    m_bulk->setEnabled(!isBusy() && !m_judgeId.isEmpty());
}

void PairsPage::setStatus(const QString &text)
{
    m_status->setText(text);
}

QString PairsPage::countsText() const
{
    return m_counts->text();
}

QString PairsPage::statusText() const
{
    return m_status->text();
}

} // namespace rlrf::ui
