// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/explorer_page.h"

#include "models/candidate_table_model.h"
#include "models/prompt_table_model.h"
#include "project_session.h"
#include "string_convert.h"
#include "views/human_rating_panel.h"
#include "views/refinement_panel.h"
#include "widgets/stage_bar.h"
#include "worker/stage_runner.h"

#include "core/error.h"
#include "core/logging.h"
#include "store/project_file.h"
#include "store/rubric_repository.h"
#include "types/aspect_names.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>
#include <memory>

namespace rlrf::ui {
namespace {

QTableView *makeTable(const QString &name, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setObjectName(name);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(22);
    view->setAlternatingRowColors(true);
    return view;
}

} // namespace

ExplorerPage::ExplorerPage(ProjectSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_prompts(new PromptTableModel(this))
    , m_candidates(new CandidateTableModel(this))
    , m_stages(new StageRunner(session, this))
    , m_promptView(makeTable(QStringLiteral("explorer.prompts"), this))
    , m_promptText(new QLabel(this))
    , m_candidateView(makeTable(QStringLiteral("explorer.candidates"), this))
    , m_details(new QTabWidget(this))
    , m_rationale(new QTextBrowser(this))
    , m_refinement(new RefinementPanel(this))
    , m_rating(new HumanRatingPanel(session, this))
    , m_stageBar(new StageBar(m_stages, this))
{
    m_promptView->setModel(m_prompts);
    m_promptView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_promptView->setSortingEnabled(true);
    m_promptView->horizontalHeader()->setSortIndicator(PromptTableModel::IdColumn, Qt::AscendingOrder);
    m_promptView->horizontalHeader()->setSectionResizeMode(PromptTableModel::PromptColumn, QHeaderView::Stretch);
    // Fixed widths: sizing to contents would measure every loaded row.
    const std::pair<int, int> widths[] = {{PromptTableModel::IdColumn, 56}, {PromptTableModel::SplitColumn, 52},
                                          {PromptTableModel::CandidatesColumn, 86}, {PromptTableModel::BestColumn, 44},
                                          {PromptTableModel::GapColumn, 44}, {PromptTableModel::StateColumn, 62}};
    for (const auto &[column, width] : widths)
        m_promptView->setColumnWidth(column, width);
    m_candidateView->setModel(m_candidates);
    m_candidateView->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_candidateView->horizontalHeader()->setMinimumSectionSize(44);
    m_candidateView->setMinimumHeight(110);
    m_promptView->setMinimumWidth(420);
    m_promptText->setObjectName(QStringLiteral("explorer.promptText"));
    m_promptText->setWordWrap(true);
    m_promptText->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_promptText->setMinimumHeight(m_promptText->fontMetrics().lineSpacing() * 3 + 6); // title + two lines
    m_promptText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_rationale->setObjectName(QStringLiteral("explorer.rationale"));
    m_details->setObjectName(QStringLiteral("explorer.details"));
    m_details->addTab(m_rationale, tr("Critique"));
    m_details->addTab(m_refinement, tr("Refinement"));
    m_details->addTab(m_rating, tr("Rate"));

    auto *right = new QSplitter(Qt::Vertical, this);
    right->addWidget(m_promptText);
    right->addWidget(m_candidateView);
    right->addWidget(m_details);
    right->setStretchFactor(1, 2);
    right->setStretchFactor(2, 3);
    right->setSizes({50, 190, 400});
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_promptView);
    split->addWidget(right);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setSizes({460, 800});

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(createFilterBar());
    layout->addWidget(split, 1);
    layout->addWidget(m_stageBar);
    connect(m_stageBar, &StageBar::judgeRequested, this, &ExplorerPage::judgeSelectedPrompt);
    connect(m_stageBar, &StageBar::sampleRequested, this, &ExplorerPage::sampleSelectedPrompt);

    connect(m_prompts, &PromptTableModel::errorOccurred, this, &ExplorerPage::showError);
    connect(m_prompts, &PromptTableModel::loaded, this, &ExplorerPage::promptsLoaded);
    m_prompts->setOrderLoader([this](const std::string &key, bool descending, const store::PromptFilter &filter,
                                     std::function<void(std::vector<std::int64_t>)> done) {
        loadOrder(key, descending, filter, std::move(done));
    });
    connect(m_promptView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    showPrompt(m_prompts->summary(current.row()).id);
            });
    connect(m_candidateView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) { showCell(current); });
    connect(m_details, &QTabWidget::currentChanged, this, [this] {
        const QModelIndex current = m_candidateView->currentIndex();
        const bool onRefinement = current.isValid() && m_candidates->candidate(current.row()).candidate.isRefinement();
        if (m_details->currentWidget() == m_refinement && !onRefinement && m_promptId != 0)
            showPrompt(m_promptId); // picks the prompt's first refinement
    });
    connect(m_session, &ProjectSession::opened, this, &ExplorerPage::reloadAll);
    connect(m_session, &ProjectSession::closed, this, &ExplorerPage::reloadAll);
    connect(m_session, &ProjectSession::changed, this, &ExplorerPage::reloadAll);
}

QWidget *ExplorerPage::createFilterBar()
{
    auto *bar = new QWidget(this);
    m_search = new QLineEdit(bar);
    m_search->setObjectName(QStringLiteral("explorer.search"));
    m_search->setPlaceholderText(tr("Search prompts…"));
    m_search->setClearButtonEnabled(true);
    m_split = new QComboBox(bar);
    m_split->setObjectName(QStringLiteral("explorer.split"));
    m_split->addItem(tr("All splits"), QString());
    for (const char *split : {"train", "validation", "test"})
        m_split->addItem(QString::fromLatin1(split), QString::fromLatin1(split));
    m_state = new QComboBox(bar);
    m_state->setObjectName(QStringLiteral("explorer.state"));
    m_state->addItem(tr("Any state"), -1);
    for (auto state : {store::PromptState::New, store::PromptState::Sampled, store::PromptState::Judged,
                       store::PromptState::Refined})
        m_state->addItem(toQString(store::toString(state)), static_cast<int>(state));
    m_count = new QLabel(bar);
    m_count->setObjectName(QStringLiteral("explorer.count"));

    auto *layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_search, 1);
    layout->addWidget(m_split);
    layout->addWidget(m_state);
    layout->addWidget(m_count);
    connect(m_search, &QLineEdit::returnPressed, this, &ExplorerPage::applyFilter);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (text.isEmpty())
            applyFilter();
    });
    connect(m_split, &QComboBox::currentIndexChanged, this, &ExplorerPage::applyFilter);
    connect(m_state, &QComboBox::currentIndexChanged, this, &ExplorerPage::applyFilter);
    return bar;
}

void ExplorerPage::loadOrder(const std::string &key, bool descending, const store::PromptFilter &filter,
                             std::function<void(std::vector<std::int64_t>)> done)
{
    auto order = std::make_shared<std::vector<std::int64_t>>();
    m_count->setText(tr("sorting…"));
    const int job = m_session->read(
        tr("Sort prompts by %1").arg(toQString(key)),
        [key, descending, filter, order](store::Project &project, const RunContext &) {
            *order = store::ExplorerRepository(project.db()).promptOrder(key, descending, filter);
            return JobResult{Outcome::Succeeded, {}};
        },
        [self = QPointer<ExplorerPage>(this), order, done](Outcome outcome, const QString &message) {
            if (!self)
                return;
            if (outcome == Outcome::Succeeded)
                done(std::move(*order));
            else
                self->showError(message);
        });
    if (job == 0)
        done({});
}

void ExplorerPage::reloadAll()
{
    // A run's batches reload the page every few seconds: the candidate and aspect
    // the person looks at stay selected when they are still there.
    const QModelIndex current = m_candidateView->currentIndex();
    m_keepCandidate = current.isValid() && m_promptId != 0 ? m_candidates->candidate(current.row()).candidate.id : 0;
    m_keepColumn = current.isValid() ? current.column() : -1;
    m_rubric = {};
    std::vector<std::string> aspects;
    if (auto *db = m_session->reader()) {
        try {
            store::RubricRepository rubrics(*db);
            if (const auto version = rubrics.current())
                m_rubric = rubrics.load(*version);
        } catch (const Error &e) {
            showError(toQString(e.what()));
        }
    }
    for (const auto &aspect : m_rubric.aspects)
        aspects.push_back(aspect.name);
    if (aspects.empty())
        aspects.assign(feedback::aspect::kAll.begin(), feedback::aspect::kAll.end());
    m_candidates->setAspects(aspects);
    m_keepPrompt = m_promptId;
    m_promptId = 0;
    QElapsedTimer clock;
    clock.start();
    m_prompts->setDatabase(m_session->reader());
    if (m_session->reader() && !m_prompts->isLoading())
        log::get("workbench")->info("explorer: first {} of {} prompts read in {} ms", m_prompts->rowCount(),
                                    m_prompts->totalCount(), clock.elapsed());
    if (!m_session->reader())
        promptsLoaded();
}

void ExplorerPage::promptsLoaded()
{
    m_count->setText(tr("%n prompt(s)", nullptr, static_cast<int>(m_prompts->totalCount())));
    const qint64 keep = m_keepPrompt;
    const qint64 keepCandidate = m_keepCandidate;
    const int keepColumn = m_keepColumn;
    m_keepPrompt = m_keepCandidate = 0;
    m_keepColumn = -1;
    if (keep != 0 && selectPrompt(keep)) {
        if (const int row = m_candidates->rowOfCandidate(keepCandidate); keepCandidate != 0 && row >= 0)
            m_candidateView->setCurrentIndex(
                m_candidates->index(row, std::max(keepColumn, int(CandidateTableModel::FirstAspectColumn))));
        return;
    }
    if (m_prompts->rowCount() > 0)
        m_promptView->selectRow(0);
    else
        showPrompt(0);
}

void ExplorerPage::applyFilter()
{
    store::PromptFilter filter;
    filter.search = toStdString(m_search->text().trimmed());
    if (const QString split = m_split->currentData().toString(); !split.isEmpty())
        filter.split = store::parseSplit(toStdString(split));
    if (const int state = m_state->currentData().toInt(); state >= 0)
        filter.state = static_cast<store::PromptState>(state);
    m_prompts->setFilter(filter); // promptsLoaded() follows
}

bool ExplorerPage::selectPrompt(qint64 promptId)
{
    const int row = m_prompts->rowOfPrompt(promptId);
    if (row < 0)
        return false;
    m_promptView->selectRow(row);
    if (m_promptId != promptId) // selecting the current row again emits nothing
        showPrompt(promptId);
    return true;
}

void ExplorerPage::showPrompt(qint64 promptId)
{
    m_promptId = promptId;
    std::vector<store::CandidateWithCritiques> list;
    QString text;
    if (promptId != 0 && m_session->reader()) {
        try {
            store::ExplorerRepository explorer(*m_session->reader());
            text = toQString(explorer.prompt(promptId).text);
            list = explorer.candidatesOf(promptId);
        } catch (const Error &e) {
            showError(toQString(e.what()));
        }
    }
    m_promptText->setText(text.isEmpty() ? tr("No prompt selected.")
                                         : tr("<b>Prompt #%1</b><br>%2").arg(promptId).arg(text.toHtmlEscaped()));
    m_candidates->setCandidates(std::move(list));
    m_candidateView->resizeColumnsToContents();
    if (m_candidates->rowCount() == 0) {
        showCandidate(-1);
        return;
    }
    int row = 0;
    if (m_details->currentWidget() == m_refinement) // keep showing a refinement when there is one
        for (int r = 0; r < m_candidates->rowCount(); ++r)
            if (m_candidates->candidate(r).candidate.isRefinement()) {
                row = r;
                break;
            }
    m_candidateView->setCurrentIndex(m_candidates->index(row, CandidateTableModel::FirstAspectColumn));
}

bool ExplorerPage::selectCandidate(qint64 candidateId)
{
    const int row = m_candidates->rowOfCandidate(candidateId);
    if (row < 0)
        return false;
    const int column = std::max(m_candidateView->currentIndex().column(), 0);
    m_candidateView->setCurrentIndex(m_candidates->index(row, column));
    return true;
}

bool ExplorerPage::selectAspect(const QString &aspect)
{
    const int row = m_candidateView->currentIndex().row();
    for (int column = CandidateTableModel::FirstAspectColumn; column < m_candidates->columnCount(); ++column) {
        if (toQString(m_candidates->aspectOf(column)) == aspect && row >= 0) {
            m_candidateView->setCurrentIndex(m_candidates->index(row, column));
            return true;
        }
    }
    return false;
}

void ExplorerPage::showCell(const QModelIndex &index)
{
    showCandidate(index.isValid() ? index.row() : -1);
    if (!index.isValid())
        return;
    const auto &row = m_candidates->candidate(index.row());
    QString html = tr("<b>Candidate #%1</b><pre style=\"white-space: pre-wrap;\">%2</pre>")
                       .arg(row.candidate.id)
                       .arg(toQString(row.candidate.text).toHtmlEscaped());
    const std::string aspect = m_candidates->aspectOf(index.column());
    const auto *critique = row.critiques.empty() ? nullptr : &row.critiques.back();
    if (!critique) {
        html += tr("<p><i>Not judged yet.</i></p>");
    } else if (critique->critique.parseStatus == feedback::ParseStatus::Failed) {
        html += tr("<p><b>The judge's answer did not parse:</b> %1</p><pre>%2</pre>")
                    .arg(toQString(critique->critique.parseError).toHtmlEscaped(),
                         toQString(critique->critique.rawOutput).toHtmlEscaped());
    } else if (!aspect.empty()) {
        const QString rationale = index.data(CandidateTableModel::RationaleRole).toString();
        html += tr("<h3>%1: %2</h3><p>%3</p>")
                    .arg(toQString(aspect).toHtmlEscaped(), index.data().toString(), rationale.toHtmlEscaped());
        for (const auto &a : m_rubric.aspects) {
            const int rating = index.data().toInt();
            if (a.name == aspect && rating >= 1 && rating <= 3)
                html += tr("<p><i>Rubric level %1:</i> %2</p>")
                            .arg(rating)
                            .arg(toQString(a.levels[static_cast<size_t>(rating - 1)]).toHtmlEscaped());
        }
        html += tr("<p><small>Critique #%1 by %2</small></p>")
                    .arg(critique->id)
                    .arg(toQString(critique->critique.judge).toHtmlEscaped());
    } else {
        html += tr("<p>Select an aspect cell to read its rationale.</p>");
    }
    m_rationale->setHtml(html);
}

void ExplorerPage::showCandidate(int row)
{
    const store::CandidateWithCritiques *candidate = row >= 0 ? &m_candidates->candidate(row) : nullptr;
    std::vector<std::string> applicable;
    for (const auto &a : m_rubric.aspects)
        if (a.applies)
            applicable.push_back(a.name);
    m_rating->setCandidate(candidate, applicable);
    std::optional<store::RefinementView> view;
    if (candidate && candidate->candidate.isRefinement() && m_session->reader()) {
        try {
            view = store::ExplorerRepository(*m_session->reader()).refinement(candidate->candidate.id);
        } catch (const Error &e) {
            showError(toQString(e.what()));
        }
    }
    m_refinement->setRefinement(view);
    if (!candidate)
        m_rationale->clear();
}

void ExplorerPage::judgeSelectedPrompt()
{
    if (m_promptId == 0) {
        m_stageBar->showMessage(tr("Select a prompt first."));
        return;
    }
    if (!m_stages->start(judgePromptsStage({m_promptId}, m_stageBar->judgeSpec())))
        m_stageBar->showMessage(tr("A stage is already running or no project is open."));
}

void ExplorerPage::sampleSelectedPrompt()
{
    if (m_promptId == 0) {
        m_stageBar->showMessage(tr("Select a prompt first."));
        return;
    }
    if (!m_stages->start(samplePromptsStage({m_promptId}, m_stageBar->samplesPerPrompt())))
        m_stageBar->showMessage(tr("A stage is already running or no project is open."));
}

void ExplorerPage::showError(const QString &message)
{
    m_stageBar->showMessage(message);
}

} // namespace rlrf::ui
