// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/rrr_page.h"

#include "plots/metric_chart.h"
#include "views/rrr_headroom.h"
#include "string_convert.h"

#include "store/metric_repository.h"
#include "store/project_file.h"
#include "store/run_repository.h"
#include "types/metric_names.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace rlrf::ui {

namespace {

QPlainTextEdit *readOnlyText(const QString &name, QWidget *parent)
{
    auto *text = new QPlainTextEdit(parent);
    text->setReadOnly(true);
    text->setObjectName(QStringLiteral("rrr.") + name);
    return text;
}

} // namespace

RrrPage::RrrPage(QWidget *parent)
    : QWidget(parent)
    , m_runs(new QListWidget(this))
    , m_metric(new QComboBox(this))
    , m_chart(new MetricChart(tr("RRR run"), this))
    , m_table(new QTableWidget(0, 4, this))
    , m_attempt(readOnlyText(QStringLiteral("attempt"), this))
    , m_reflection(readOnlyText(QStringLiteral("reflection"), this))
    , m_retry(readOnlyText(QStringLiteral("retry"), this))
    , m_reward(new QLabel(this))
    , m_headroom(new RrrHeadroomView(this))
    , m_status(new QLabel(this))
{
    m_status->setObjectName(QStringLiteral("rrr.status"));
    m_status->setWordWrap(true);
    m_table->setHorizontalHeaderLabels({tr("Step"), tr("Problem"), tr("Reward"), tr("Advantage")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    connect(m_table, &QTableWidget::currentCellChanged, this, [this](int row) { selectAttempt(row); });
    // Only the person's choice reaches here (a reload blocks the list's signals):
    // a run picked other than the newest stays shown while newer runs come.
    connect(m_runs, &QListWidget::currentRowChanged, this, [this](int row) {
        m_userPickedRun = row >= 0 && row + 1 < m_runs->count();
        showRun();
    });
    connect(m_metric, &QComboBox::currentIndexChanged, this, [this] { showMetric(); });

    auto *texts = new QWidget(this);
    auto *grid = new QGridLayout(texts);
    grid->addWidget(new QLabel(tr("<b>Failed attempt</b>"), this), 0, 0);
    grid->addWidget(new QLabel(tr("<b>Reflection</b>"), this), 0, 1);
    grid->addWidget(new QLabel(tr("<b>Retry</b>"), this), 0, 2);
    grid->addWidget(m_attempt, 1, 0);
    grid->addWidget(m_reflection, 1, 1);
    grid->addWidget(m_retry, 1, 2);
    grid->addWidget(m_reward, 2, 0, 1, 3);
    auto *right = new QSplitter(Qt::Vertical, this);
    auto *chartBox = new QWidget(this);
    auto *chartLayout = new QVBoxLayout(chartBox);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    chartLayout->addWidget(m_metric);
    chartLayout->addWidget(m_chart, 1);
    // The training's reflections and the evaluations' headroom share the lower part.
    auto *training = new QSplitter(Qt::Vertical, this);
    training->addWidget(m_table);
    training->addWidget(texts);
    auto *tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("rrr.tabs"));
    tabs->addTab(training, tr("Training reflections"));
    tabs->addTab(m_headroom, tr("Headroom"));
    right->addWidget(chartBox);
    right->addWidget(tabs);
    right->setStretchFactor(1, 2);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_runs);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 4);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addWidget(splitter, 1);
}

RrrPage::~RrrPage() = default;

bool RrrPage::setProject(const QString &path)
{
    m_path = path;
    m_shownRun = 0;
    m_userPickedRun = false;
    return reload();
}

bool RrrPage::reload()
{
    std::vector<std::int64_t> ids;
    QStringList labels;
    try {
        auto project = store::Project::open(toStdString(m_path));
        for (const auto &run : store::RunRepository(project.db()).list()) {
            if (run.kind != store::RunKind::Rrr)
                continue;
            ids.push_back(run.id);
            labels << tr("Run %1 · M%2 · %3").arg(run.id).arg(run.iteration).arg(toQString(store::toString(run.status)));
        }
    } catch (const std::exception &e) {
        m_status->setText(QString::fromUtf8(e.what()));
        return false;
    }
    const bool keepPicked = m_userPickedRun && std::find(ids.begin(), ids.end(), m_shownRun) != ids.end();
    const std::int64_t show = keepPicked ? m_shownRun : ids.empty() ? 0 : ids.back();
    {
        const QSignalBlocker block(m_runs);
        m_runIds = ids;
        m_runs->clear();
        m_runs->addItems(labels);
        const auto at = std::find(ids.begin(), ids.end(), show);
        m_runs->setCurrentRow(at == ids.end() ? -1 : static_cast<int>(at - ids.begin()));
    }
    if (!keepPicked)
        m_userPickedRun = false;
    m_status->setText(m_runIds.empty() ? tr("No Reflect-Retry-Reward runs in this project yet.")
                                       : m_loader ? QString() : tr("Runs and curves; attempt rows need the RRR tables."));
    if (show != 0 && show == m_shownRun)
        extendShownRun(); // the same run, perhaps still going: add what is new
    else
        showRun();
    return true;
}

bool RrrPage::selectRun(std::int64_t runId)
{
    for (std::size_t i = 0; i < m_runIds.size(); ++i)
        if (m_runIds[i] == runId) {
            m_runs->setCurrentRow(static_cast<int>(i));
            return true;
        }
    return false;
}

void RrrPage::showRun()
{
    const int row = m_runs->currentRow();
    {
        const QSignalBlocker block(m_metric);
        m_metric->clear();
    }
    m_shownRun = row < 0 ? 0 : m_runIds[static_cast<std::size_t>(row)];
    if (row < 0) {
        showMetric();
        setAttempts({});
        m_headroom->clear();
        return;
    }
    try {
        auto project = store::Project::open(toStdString(m_path));
        {
            const QSignalBlocker block(m_metric);
            for (const auto &key : store::MetricRepository(project.db()).keys(m_shownRun))
                if (key != metrics::kRunTotalSteps) // bookkeeping for the stage view, not a curve
                    m_metric->addItem(toQString(key));
            // The retries' reward is what the method is about; open on it, not on
            // the first key in alphabetical order.
            const int reward = m_metric->findText(QString::fromLatin1(metrics::kRrrRewardMean));
            if (reward >= 0)
                m_metric->setCurrentIndex(reward);
        }
        setAttempts(m_loader ? m_loader(project.db(), m_shownRun) : std::vector<RrrAttemptRow>{});
        m_headroom->clear(); // another run, or the same id in another project
        m_headroom->showRun(project.db(), m_shownRun);
    } catch (const std::exception &e) {
        m_status->setText(QString::fromUtf8(e.what()));
    }
    showMetric();
}

// The shown run again, as a running run writes it: new metric names join the
// list, the chart gains the points written since, new attempt rows are added;
// what the person looks at (metric, attempt) stays selected.
void RrrPage::extendShownRun()
{
    try {
        auto project = store::Project::open(toStdString(m_path));
        const bool wasEmpty = m_metric->count() == 0;
        {
            const QSignalBlocker block(m_metric);
            for (const auto &key : store::MetricRepository(project.db()).keys(m_shownRun))
                if (key != metrics::kRunTotalSteps && m_metric->findText(toQString(key)) < 0)
                    m_metric->addItem(toQString(key));
            const int reward = m_metric->findText(QString::fromLatin1(metrics::kRrrRewardMean));
            if (wasEmpty && reward >= 0)
                m_metric->setCurrentIndex(reward);
        }
        if (m_loader) {
            auto rows = m_loader(project.db(), m_shownRun);
            if (rows.size() != m_rows.size()) {
                const int selected = m_table->currentRow();
                setAttempts(std::move(rows));
                if (selected >= 0)
                    m_table->setCurrentCell(selected, 0);
            }
        }
        m_headroom->showRun(project.db(), m_shownRun); // the "after" rows come when training ends
    } catch (const std::exception &e) {
        m_status->setText(QString::fromUtf8(e.what()));
    }
    appendNewPoints();
}

void RrrPage::showMetric()
{
    m_chart->clear();
    m_chartPoints = 0;
    appendNewPoints();
}

void RrrPage::appendNewPoints()
{
    if (m_shownRun == 0 || m_metric->currentText().isEmpty())
        return;
    try {
        auto project = store::Project::open(toStdString(m_path));
        const auto points = store::MetricRepository(project.db()).series(m_shownRun, toStdString(m_metric->currentText()));
        if (points.size() < m_chartPoints) { // fewer than drawn (a resumed run replaced its tail): redraw
            m_chart->clear();
            m_chartPoints = 0;
        }
        for (std::size_t i = m_chartPoints; i < points.size(); ++i)
            m_chart->addPoint(static_cast<double>(points[i].step), points[i].value);
        m_chartPoints = points.size();
    } catch (const std::exception &e) {
        m_status->setText(QString::fromUtf8(e.what()));
    }
}

void RrrPage::setAttempts(std::vector<RrrAttemptRow> rows)
{
    m_rows = std::move(rows);
    m_table->setRowCount(static_cast<int>(m_rows.size()));
    int row = 0;
    for (const auto &r : m_rows) {
        m_table->setItem(row, 0, new QTableWidgetItem(QString::number(r.step)));
        m_table->setItem(row, 1, new QTableWidgetItem(r.problem.left(80)));
        m_table->setItem(row, 2, new QTableWidgetItem(QString::number(r.reward, 'g', 4)));
        m_table->setItem(row, 3, new QTableWidgetItem(QString::number(r.advantage, 'g', 4)));
        ++row;
    }
    selectAttempt(m_rows.empty() ? -1 : 0);
}

void RrrPage::selectAttempt(int row)
{
    if (row < 0 || row >= static_cast<int>(m_rows.size())) {
        m_attempt->clear();
        m_reflection->clear();
        m_retry->clear();
        m_reward->clear();
        return;
    }
    const auto &r = m_rows[static_cast<std::size_t>(row)];
    m_attempt->setPlainText(r.attempt + (r.verdict.isEmpty() ? QString() : QStringLiteral("\n\n— ") + r.verdict));
    m_reflection->setPlainText(r.reflection);
    m_retry->setPlainText(r.retry);
    m_reward->setText(tr("Reward %1 · advantage %2 (only the reflection's tokens are rewarded)")
                          .arg(r.reward, 0, 'g', 4)
                          .arg(r.advantage, 0, 'g', 4));
}

QString RrrPage::shownText(const QString &part) const
{
    if (part == QLatin1String("attempt"))
        return m_attempt->toPlainText();
    if (part == QLatin1String("reflection"))
        return m_reflection->toPlainText();
    if (part == QLatin1String("retry"))
        return m_retry->toPlainText();
    return m_reward->text();
}

} // namespace rlrf::ui
