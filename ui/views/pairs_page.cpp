// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/pairs_page.h"

#include "string_convert.h"
#include "views/pair_side_view.h"

#include "core/error.h"
#include "core/logging.h"
#include "feedback/judge_factory.h"
#include "review/pair_review.h"
#include "store/critique_repository.h"
#include "store/project_file.h"
#include "store/prompt_repository.h"
#include "store/rubric_repository.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace rlrf::ui {

namespace {

// The judge that re-rates edited answers: the task's own rule or verifier judge.
std::string judgeSpecFor(const std::string &task)
{
    if (task == "arith")
        return "rule:arith";
    return "verifier:" + task;
}

std::optional<feedback::Critique> critiqueOf(store::Project &project, std::optional<std::int64_t> id)
{
    if (!id)
        return std::nullopt;
    return store::CritiqueRepository(project.db()).byId(*id).critique;
}

} // namespace

PairsPage::PairsPage(QWidget *parent)
    : QWidget(parent)
    , m_filter(new QComboBox(this))
    , m_counts(new QLabel(this))
    , m_list(new QTableWidget(0, 5, this))
    , m_prompt(new QLabel(this))
    , m_chosen(new PairSideView(tr("Chosen"), this))
    , m_rejected(new PairSideView(tr("Rejected"), this))
    , m_minGap(new QDoubleSpinBox(this))
    , m_status(new QLabel(this))
{
    m_filter->addItem(tr("All states"), QString());
    for (const char *state : {"pending", "approved", "rejected", "edited"})
        m_filter->addItem(QString::fromLatin1(state), QString::fromLatin1(state));
    connect(m_filter, &QComboBox::currentIndexChanged, this, &PairsPage::reload);
    m_counts->setObjectName(QStringLiteral("pairs.counts"));
    m_status->setObjectName(QStringLiteral("pairs.status"));
    m_list->setObjectName(QStringLiteral("pairs.list"));
    m_list->setHorizontalHeaderLabels({tr("Pair"), tr("State"), tr("Gap"), tr("Rule"), tr("Prompt")});
    m_list->horizontalHeader()->setStretchLastSection(true);
    m_list->verticalHeader()->hide();
    m_list->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->installEventFilter(this);
    connect(m_list, &QTableWidget::currentCellChanged, this, [this] { showCurrent(); });
    m_prompt->setWordWrap(true);
    m_prompt->setObjectName(QStringLiteral("pairs.prompt"));
    m_minGap->setRange(-1.0, 1.0);
    m_minGap->setSingleStep(0.05);
    m_minGap->setValue(0.5);

    auto *bulk = new QPushButton(tr("Approve all pending with gap ≥"), this);
    connect(bulk, &QPushButton::clicked, this, [this] { approveAllWithGapAtLeast(m_minGap->value()); });
    auto *top = new QHBoxLayout;
    top->addWidget(m_filter);
    top->addWidget(m_counts, 1);
    top->addWidget(bulk);
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
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_status);
    setFocusPolicy(Qt::StrongFocus);
}

PairsPage::~PairsPage() = default;

bool PairsPage::setProject(const QString &path)
{
    m_review.reset();
    m_judge.reset();
    m_project.reset();
    try {
        m_project = std::make_unique<store::Project>(store::Project::open(toStdString(path)));
        store::RubricRepository rubrics(m_project->db());
        const auto version = rubrics.current();
        const std::string spec = judgeSpecFor(m_project->info().task);
        m_judge = feedback::makeJudge(spec);
        if (!version)
            throw Error("the project has no rubric yet, so edits cannot be judged", {toStdString(path), 0, "rubric"});
        m_review = std::make_unique<review::PairReview>(*m_project, *m_judge, rubrics.load(*version), version->id,
                                                        qEnvironmentVariable("USER", QStringLiteral("reviewer")).toStdString());
        setStatus(tr("Edits are judged again by %1.").arg(toQString(spec)));
    } catch (const std::exception &e) {
        setStatus(tr("Review is read-only: %1").arg(QString::fromUtf8(e.what())));
        if (!m_project)
            return false;
    }
    reload();
    return true;
}

void PairsPage::reload()
{
    if (!m_project)
        return;
    const std::int64_t keep = currentPairId();
    store::PairRepository pairs(m_project->db());
    const auto counts = pairs.countByState();
    QStringList parts;
    for (const auto &[state, n] : counts)
        parts << QStringLiteral("%1 %2").arg(n).arg(toQString(store::toString(state)));
    m_counts->setText(parts.join(QStringLiteral(" · ")));

    const QString filter = m_filter->currentData().toString();
    std::optional<store::ReviewState> state;
    if (!filter.isEmpty())
        state = store::parseReviewState(toStdString(filter));
    store::PageRequest request;
    request.limit = 100000;
    const auto list = pairs.page(request, state);
    store::PromptRepository prompts(m_project->db());
    const QSignalBlocker blocker(m_list);
    m_list->setRowCount(static_cast<int>(list.size()));
    int row = 0;
    int keepRow = list.empty() ? -1 : 0;
    for (const auto &pair : list) {
        auto *id = new QTableWidgetItem(QString::number(pair.id));
        id->setData(Qt::UserRole, QVariant::fromValue<qint64>(pair.id));
        m_list->setItem(row, 0, id);
        m_list->setItem(row, 1, new QTableWidgetItem(toQString(store::toString(pair.reviewState))));
        m_list->setItem(row, 2, new QTableWidgetItem(QString::number(pair.gap, 'f', 3)));
        m_list->setItem(row, 3, new QTableWidgetItem(toQString(pair.rule)));
        m_list->setItem(row, 4, new QTableWidgetItem(toQString(prompts.byId(pair.promptId).text).left(80)));
        if (pair.id == keep)
            keepRow = row;
        ++row;
    }
    m_list->resizeColumnsToContents();
    m_list->setCurrentCell(keepRow, 0);
    showCurrent();
}

std::int64_t PairsPage::currentPairId() const
{
    const auto *item = m_list->item(m_list->currentRow(), 0);
    return item ? item->data(Qt::UserRole).toLongLong() : 0;
}

bool PairsPage::selectPair(std::int64_t pairId)
{
    for (int row = 0; row < m_list->rowCount(); ++row)
        if (m_list->item(row, 0)->data(Qt::UserRole).toLongLong() == pairId) {
            m_list->setCurrentCell(row, 0);
            return true;
        }
    return false;
}

void PairsPage::showCurrent()
{
    const auto id = currentPairId();
    if (!m_project || id == 0) {
        m_prompt->clear();
        m_chosen->clear();
        m_rejected->clear();
        return;
    }
    const auto pair = store::PairRepository(m_project->db()).byId(id);
    const auto prompt = store::PromptRepository(m_project->db()).byId(pair.promptId);
    m_prompt->setText(tr("<b>Pair %1</b> (%2, gap %3, %4)<br>%5")
                          .arg(pair.id)
                          .arg(toQString(store::toString(pair.reviewState)))
                          .arg(pair.gap, 0, 'f', 3)
                          .arg(toQString(pair.rule), toQString(prompt.text).toHtmlEscaped()));
    m_chosen->show(toQString(pair.chosenText), critiqueOf(*m_project, pair.chosenCritiqueId));
    m_rejected->show(toQString(pair.rejectedText), critiqueOf(*m_project, pair.rejectedCritiqueId));
}

void PairsPage::move(int delta)
{
    const int row = m_list->currentRow() + delta;
    if (row >= 0 && row < m_list->rowCount())
        m_list->setCurrentCell(row, 0);
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

// Runs one review action; errors go to the status line, never lost.
template <typename Action> bool PairsPage::act(Action action, bool advance)
{
    if (!m_review) {
        setStatus(tr("Nothing to review: open a project with pairs and a rubric."));
        return false;
    }
    try {
        action();
    } catch (const std::exception &e) {
        setStatus(QString::fromUtf8(e.what()));
        rlrf::log::get("review")->error("{}", e.what());
        return false;
    }
    const int row = m_list->currentRow();
    reload();
    if (advance && m_filter->currentData().toString().isEmpty())
        m_list->setCurrentCell(std::min(row + 1, m_list->rowCount() - 1), 0);
    Q_EMIT pairsChanged();
    return true;
}

bool PairsPage::editCurrent(store::PairSide side, const QString &text)
{
    const auto id = currentPairId();
    return act([&] { m_review->edit(id, side, toStdString(text)); }, false);
}

std::int64_t PairsPage::approveAllWithGapAtLeast(double minGap)
{
    std::int64_t approved = 0;
    if (act([&] { approved = m_review->approveAllWithGapAtLeast(minGap); }, false))
        setStatus(tr("Approved %1 pending pairs with gap ≥ %2.").arg(approved).arg(minGap));
    return approved;
}

void PairsPage::startEdit(store::PairSide side)
{
    if (currentPairId() == 0)
        return;
    m_editing = side;
    (side == store::PairSide::Chosen ? m_chosen : m_rejected)->setEditing(true);
}

void PairsPage::finishEdit(bool save)
{
    const auto side = *m_editing;
    auto *view = side == store::PairSide::Chosen ? m_chosen : m_rejected;
    const QString text = view->text();
    view->setEditing(false);
    m_editing.reset();
    if (save)
        editCurrent(side, text);
    else
        showCurrent();
    m_list->setFocus();
}

bool PairsPage::handleKey(int key, Qt::KeyboardModifiers modifiers)
{
    if (m_editing) {
        if (key == Qt::Key_Escape || (key == Qt::Key_S && (modifiers & Qt::ControlModifier))) {
            finishEdit(key == Qt::Key_S);
            return true;
        }
        return false;
    }
    const auto id = currentPairId();
    switch (key) {
    case Qt::Key_A: act([&] { m_review->approve(id); }, true); return true;
    case Qt::Key_R: act([&] { m_review->reject(id); }, true); return true;
    case Qt::Key_S: act([&] { m_review->swap(id); }, false); return true;
    case Qt::Key_E:
        startEdit(modifiers & Qt::ShiftModifier ? store::PairSide::Rejected : store::PairSide::Chosen);
        return true;
    case Qt::Key_J: move(1); return true;
    case Qt::Key_K: move(-1); return true;
    case Qt::Key_U: break;
    case Qt::Key_Z:
        if (!(modifiers & Qt::ControlModifier))
            return false;
        break;
    default: return false;
    }
    if (m_review && !m_review->canUndo()) {
        setStatus(tr("Nothing to undo."));
        return true;
    }
    std::vector<std::int64_t> undone;
    if (act([&] { undone = m_review->undo(); }, false) && !undone.empty())
        selectPair(undone.front());
    return true;
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
