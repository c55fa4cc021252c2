// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/run_page.h"

#include "plots/metric_chart.h"
#include "string_convert.h"
#include "views/settings_table_form.h"
#include "worker/loop_runner.h"

#include "core/error.h"
#include "core/json_io.h"
#include "core/monotonic_clock.h"
#include "pipeline/rrr/rrr_option_table.h"
#include "pipeline/rrr/rrr_run.h"
#include "store/run_lock.h"
#include "pipeline/run/rlrf_run.h"
#include "pipeline/run/run_option_table.h"
#include "store/database.h"
#include "store/metric_repository.h"
#include "types/metric_names.h"

#include <nlohmann/json.hpp>

#include <QComboBox>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace rlrf::ui {

namespace {

using pipeline::StageState;

QString seconds(double s)
{
    if (s < 0)
        return QStringLiteral("?");
    if (s < 90)
        return QStringLiteral("%1 s").arg(s, 0, 'f', s < 10 ? 1 : 0);
    if (s < 5400)
        return QStringLiteral("%1 min").arg(s / 60.0, 0, 'f', 1);
    return QStringLiteral("%1 h").arg(s / 3600.0, 0, 'f', 1);
}

QColor colourOf(StageState state)
{
    switch (state) {
    case StageState::Done: return QColor(0xdf, 0xf6, 0xdd);
    case StageState::Running: return QColor(0xde, 0xec, 0xf9);
    case StageState::Waiting: return QColor(0xff, 0xf4, 0xce);
    case StageState::Stopped: return QColor(0xfd, 0xe7, 0xe9);
    case StageState::Pending: break;
    }
    return {};
}

QString cellText(const pipeline::StageCell &cell)
{
    if (cell.state == StageState::Pending)
        return cell.total > 0 ? QStringLiteral("0/%1").arg(cell.total) : QString();
    QString text = cell.total > 0 ? QStringLiteral("%1/%2").arg(cell.done).arg(cell.total)
                                  : (cell.state == StageState::Done ? QStringLiteral("done") : QString());
    if (cell.state == StageState::Waiting)
        return text + QStringLiteral("\n") + QObject::tr("waiting for review");
    if (cell.seconds > 0 || cell.state == StageState::Running)
        text += (text.isEmpty() ? QString() : QStringLiteral("\n")) + seconds(cell.seconds);
    if (cell.state == StageState::Running && cell.etaSeconds >= 0)
        text += QStringLiteral(" · ") + QObject::tr("ETA %1").arg(seconds(cell.etaSeconds));
    if (cell.state == StageState::Stopped)
        text += QStringLiteral("\n") + QObject::tr("stopped");
    return text;
}

QString methodOf(const store::RunRecord &run)
{
    if (run.kind == store::RunKind::Rrr)
        return QObject::tr("Reflect-Retry-Reward");
    // An ablation is named for the part it leaves out ("RLRF without DPO").
    const auto name = pipeline::variantNameOfStored(run.hyperParametersJson);
    return name == "baseline" ? QObject::tr("reward-only baseline") : QString::fromStdString(name);
}

std::string lossKeyOf(store::RunKind kind)
{
    switch (kind) {
    case store::RunKind::Sft: return metrics::kSftLoss;
    case store::RunKind::Rrr: return metrics::kRrrLoss;
    default: return metrics::kDpoLoss;
    }
}

// The flag an error names: "--prompts" as is, a settings key through the table.
template <class Settings>
std::string flagOf(const std::vector<options::Field<Settings>> &table, const Error &e)
{
    const auto &field = e.source().field;
    if (field.rfind("--", 0) == 0)
        return field;
    const auto flag = options::flagOfErrorField(table, field);
    return flag.empty() ? std::string() : "--" + flag;
}

} // namespace

RunPage::RunPage(QWidget *parent)
    : QWidget(parent)
    , m_runner(new LoopRunner(this))
    , m_method(new QComboBox(this))
    , m_forms(new QStackedWidget(this))
    , m_rlrfForm(new SettingsTableForm(formFields(pipeline::runOptionFields()), QStringLiteral("run.rlrf."), this))
    , m_rrrForm(new SettingsTableForm(formFields(rrr::rrrOptionFields()), QStringLiteral("run.rrr."), this))
    , m_start(new QPushButton(tr("Start"), this))
    , m_stop(new QPushButton(tr("Stop"), this))
    , m_resume(new QPushButton(tr("Resume"), this))
    , m_openPairs(new QPushButton(tr("Open Pairs queue"), this))
    , m_loadRrr(new QPushButton(tr("Load settings file…"), this))
    , m_rrrSource(new QLabel(this))
    , m_runs(new QComboBox(this))
    , m_ownership(new QLabel(this))
    , m_current(new QLabel(this))
    , m_gate(new QLabel(this))
    , m_status(new QLabel(this))
    , m_stages(new QTableWidget(this))
    , m_timeTable(new QPlainTextEdit(this))
    , m_curve(new MetricChart(tr("loss of the newest training pass"), this))
    , m_timer(new QTimer(this))
{
    m_method->setObjectName(QStringLiteral("run.method"));
    m_method->addItems({tr("RLRF"), tr("Reward-only baseline"), tr("Reflect-Retry-Reward")});
    m_method->setToolTip(tr("RLRF: sample, critique, refine, pairs, review, supervised pass, DPO, evaluate.\n"
                            "Reward-only baseline: the same budget without refinement (rlrf run --baseline).\n"
                            "Reflect-Retry-Reward: GRPO on the reflections that turn a failure into a solved retry (rlrf rrr)."));
    m_rlrfForm->hideField("baseline"); // the method chooses it
    auto *rlrfScroll = new QScrollArea(this);
    rlrfScroll->setWidget(m_rlrfForm);
    rlrfScroll->setWidgetResizable(true);
    auto *rrrScroll = new QScrollArea(this);
    rrrScroll->setWidget(m_rrrForm);
    rrrScroll->setWidgetResizable(true);
    // `rlrf rrr --config FILE`: a settings file fills the form, and its keys
    // outside the form still apply.
    m_loadRrr->setObjectName(QStringLiteral("run.rrr.loadConfig"));
    m_loadRrr->setToolTip(tr("Fill the form from a settings file, as rlrf rrr --config FILE reads it "
                             "(JSON with rrr_config keys); the form's values apply over it"));
    m_rrrSource->setObjectName(QStringLiteral("run.rrr.configSource"));
    m_rrrSource->setWordWrap(true);
    connect(m_loadRrr, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Reflect-Retry-Reward settings"), QString(),
                                                          tr("JSON settings (*.json);;All files (*)"));
        if (!file.isEmpty())
            loadRrrSettings(file);
    });
    auto *rrrPanel = new QWidget(this);
    auto *rrrLayout = new QVBoxLayout(rrrPanel);
    rrrLayout->setContentsMargins(0, 0, 0, 0);
    auto *loadRow = new QHBoxLayout;
    loadRow->addWidget(m_loadRrr);
    loadRow->addWidget(m_rrrSource, 1);
    rrrLayout->addLayout(loadRow);
    rrrLayout->addWidget(rrrScroll, 1);
    m_forms->addWidget(rlrfScroll);
    m_forms->addWidget(rrrPanel);
    connect(m_method, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_forms->setCurrentIndex(index == static_cast<int>(Method::Rrr) ? 1 : 0);
    });

    m_start->setObjectName(QStringLiteral("run.start"));
    m_stop->setObjectName(QStringLiteral("run.stop"));
    m_resume->setObjectName(QStringLiteral("run.resume"));
    m_openPairs->setObjectName(QStringLiteral("run.openPairs"));
    m_start->setToolTip(tr("Start a new run with these settings (rlrf run --new / rlrf rrr)"));
    m_stop->setToolTip(tr("Stop after the current batch; nothing finished is lost"));
    m_resume->setToolTip(tr("Continue the shown run where it stopped, with the settings it started with"));
    connect(m_start, &QPushButton::clicked, this, [this] { start(); });
    connect(m_stop, &QPushButton::clicked, this, [this] { stop(); });
    connect(m_resume, &QPushButton::clicked, this, [this] { resume(); });
    connect(m_openPairs, &QPushButton::clicked, this, &RunPage::reviewRequested);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->addWidget(new QLabel(tr("Method"), left));
    leftLayout->addWidget(m_method);
    leftLayout->addWidget(m_forms, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_stop);
    buttons->addWidget(m_resume);
    leftLayout->addLayout(buttons);

    m_runs->setObjectName(QStringLiteral("run.runs"));
    connect(m_runs, &QComboBox::activated, this, [this](int index) {
        m_userPickedRun = true;
        showRun(m_runs->itemData(index).toLongLong());
    });
    m_ownership->setObjectName(QStringLiteral("run.ownership"));
    m_ownership->setWordWrap(true);
    m_current->setObjectName(QStringLiteral("run.current"));
    m_gate->setObjectName(QStringLiteral("run.gate"));
    m_gate->setWordWrap(true);
    m_gate->setStyleSheet(QStringLiteral("background: #fff4ce; padding: 6px;"));
    m_status->setObjectName(QStringLiteral("run.status"));
    m_status->setWordWrap(true);
    m_stages->setObjectName(QStringLiteral("run.stages"));
    m_stages->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_stages->setSelectionMode(QAbstractItemView::NoSelection);
    m_stages->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_stages->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_stages->setWordWrap(true);
    m_timeTable->setObjectName(QStringLiteral("run.timeTable"));
    m_timeTable->setReadOnly(true);
    m_timeTable->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_timeTable->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_curve->setObjectName(QStringLiteral("run.curve"));

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    auto *runRow = new QHBoxLayout;
    runRow->addWidget(new QLabel(tr("Run"), right));
    runRow->addWidget(m_runs, 1);
    rightLayout->addLayout(runRow);
    rightLayout->addWidget(m_ownership);
    rightLayout->addWidget(m_current);
    auto *gateRow = new QHBoxLayout;
    gateRow->addWidget(m_gate, 1);
    gateRow->addWidget(m_openPairs);
    rightLayout->addLayout(gateRow);
    auto *split = new QSplitter(Qt::Vertical, right);
    split->addWidget(m_stages);
    auto *bottom = new QSplitter(Qt::Horizontal, split);
    bottom->addWidget(m_curve);
    bottom->addWidget(m_timeTable);
    split->addWidget(bottom);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    rightLayout->addWidget(split, 1);
    rightLayout->addWidget(m_status);

    auto *outer = new QSplitter(Qt::Horizontal, this);
    outer->addWidget(left);
    outer->addWidget(right);
    outer->setStretchFactor(0, 2);
    outer->setStretchFactor(1, 5);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(outer);

    connect(m_runner, &LoopRunner::finished, this, &RunPage::onFinished);
    connect(m_timer, &QTimer::timeout, this, &RunPage::refresh);
    m_timer->start(1000);
    updateControls();
}

RunPage::~RunPage()
{
    delete m_runner; // stops a run going here and waits for its batch before the page goes
    m_runner = nullptr;
}

bool RunPage::setProject(const QString &path)
{
    m_path = path;
    m_reader.reset();
    m_progress.reset();
    m_shownRunId = m_ownRunId = 0;
    m_userPickedRun = false;
    m_dataVersion = -1;
    m_curveRun = 0;
    m_runs->clear();
    m_stages->clear();
    m_timeTable->clear();
    m_curve->clear();
    try {
        m_reader = std::make_unique<store::Database>(toStdString(path), store::OpenMode::OpenExisting);
    } catch (const std::exception &e) {
        setStatus(tr("Cannot follow runs of %1: %2").arg(path, QString::fromUtf8(e.what())), true);
        updateControls();
        return false;
    }
    setStatus({});
    refresh();
    return true;
}

void RunPage::setMethod(Method method)
{
    m_method->setCurrentIndex(static_cast<int>(method));
}

RunPage::Method RunPage::method() const
{
    return static_cast<Method>(m_method->currentIndex());
}

bool RunPage::isRunning() const
{
    return m_runner && m_runner->isRunning();
}

bool RunPage::loadRrrSettings(const QString &file)
{
    const std::string path = toStdString(file);
    rrr::RrrRunRequest request;
    try {
        request.config = rrr::rrrConfigFromJson(json::readFile(path), path);
    } catch (const std::exception &e) {
        setStatus(tr("Cannot use %1 as settings: %2").arg(file, QString::fromUtf8(e.what())), true);
        return false;
    }
    // The form's own fields (task, data, model, out) are not in the file.
    const auto current = m_rrrForm->values();
    for (const auto &f : rrr::rrrOptionFields())
        if (const auto it = current.find(f.flag); it != current.end() && (f.flag == "task" || f.flag == "data" ||
                                                                          f.flag == "model" || f.flag == "out"))
            f.set(request, it->second);
    std::map<std::string, std::string> values;
    for (const auto &f : rrr::rrrOptionFields())
        values[f.flag] = f.get(request);
    m_rrrForm->setValues(values);
    m_rrrForm->markError({}, {});
    m_rrrBase = request.config;
    m_rrrSource->setText(tr("Settings from %1").arg(QFileInfo(file).fileName()));
    m_rrrSource->setToolTip(file);
    setMethod(Method::Rrr);
    setStatus(tr("Reflect-Retry-Reward settings read from %1.").arg(file));
    return true;
}

bool RunPage::start()
{
    if (m_path.isEmpty() || isRunning())
        return false;
    return launch(true, std::nullopt);
}

bool RunPage::resume()
{
    if (m_path.isEmpty() || isRunning() || !m_progress
        || (m_progress->run.kind != store::RunKind::Rlrf && m_progress->run.kind != store::RunKind::Rrr))
        return false;
    if (m_progress->run.status == store::RunStatus::Succeeded) {
        setStatus(tr("Run %1 has finished; start a new run instead.").arg(m_progress->run.id), true);
        return false;
    }
    return launch(false, m_progress->run.id, m_progress->run.kind == store::RunKind::Rrr);
}

bool RunPage::launch(bool fresh, std::optional<std::int64_t> resumeRunId, bool rrrRun)
{
    const std::string project = toStdString(m_path);
    LoopRunner::Work work;
    QString name;
    if ((method() == Method::Rrr && !resumeRunId) || rrrRun) {
        rrr::RrrRunRequest request;
        request.projectPath = project;
        request.fresh = fresh;
        request.resumeRunId = resumeRunId;
        if (m_rrrBase)
            request.config = *m_rrrBase;
        if (!resumeRunId) {
            try {
                rrr::applyRrrValues(m_rrrForm->values(), request, "Run settings");
            } catch (const Error &e) {
                m_rrrForm->markError(flagOf(rrr::rrrOptionFields(), e), QString::fromUtf8(e.what()));
                setStatus(QString::fromUtf8(e.what()), true);
                return false;
            }
            m_rrrForm->markError({}, {});
        }
        name = resumeRunId ? tr("Run %1").arg(*resumeRunId) : tr("Reflect-Retry-Reward run");
        work = [request](const RunContext &context) {
            const auto result = rrr::runRrr(request, context);
            return JobResult{result.outcome, QString::fromStdString(result.message)};
        };
    } else {
        auto values = m_rlrfForm->values();
        if (!resumeRunId)
            values["baseline"] = method() == Method::RewardOnly ? "1" : "0";
        pipeline::PipelineRequest request;
        request.projectPath = project;
        request.fresh = fresh;
        request.resumeRunId = resumeRunId;
        try {
            request.options = pipeline::runOptionsFromValues(values, "Run settings");
        } catch (const Error &e) {
            m_rlrfForm->markError(flagOf(pipeline::runOptionFields(), e), QString::fromUtf8(e.what()));
            setStatus(QString::fromUtf8(e.what()), true);
            return false;
        }
        m_rlrfForm->markError({}, {});
        name = resumeRunId ? tr("Run %1").arg(*resumeRunId) : tr("RLRF run");
        work = [request](const RunContext &context) {
            const auto result = pipeline::runPipeline(request, context);
            return JobResult{result.outcome, QString::fromStdString(result.message)};
        };
    }
    m_newestBeforeStart = 0;
    if (m_reader)
        for (const auto &run : pipeline::loopRuns(*m_reader))
            m_newestBeforeStart = std::max(m_newestBeforeStart, run.id);
    m_ownRunId = resumeRunId.value_or(0);
    m_userPickedRun = false;
    if (!m_runner->start(std::move(work)))
        return false;
    setStatus(tr("%1 started.").arg(name));
    refresh();
    return true;
}

void RunPage::stop()
{
    if (!isRunning())
        return;
    m_runner->stop();
    setStatus(tr("Stopping after the current batch…"));
}

void RunPage::onFinished(Outcome outcome, const QString &message)
{
    refresh();
    const auto id = m_ownRunId;
    if (outcome == Outcome::Succeeded)
        setStatus(tr("Run %1 finished.").arg(id));
    else if (outcome == Outcome::Cancelled && m_progress && m_progress->pendingReview > 0)
        setStatus(tr("Run %1 waits for review.").arg(id));
    else if (outcome == Outcome::Cancelled)
        setStatus(tr("Run %1 stopped: %2").arg(id).arg(message));
    else
        setStatus(tr("Run failed: %1").arg(message), true);
    m_ownRunId = 0;
    updateControls();
    Q_EMIT runFinished(outcome, message);
}

void RunPage::refresh()
{
    if (!m_reader)
        return;
    QElapsedTimer clock;
    clock.start();
    try {
        const auto version = store::RunProgressRepository(*m_reader).dataVersion();
        const bool changed = version != m_dataVersion;
        if (changed) {
            m_dataVersion = version;
            m_lastWriteSeconds = monotonicSeconds();
        }
        const bool live = isRunning() || (m_progress && m_progress->run.status == store::RunStatus::Running);
        if (changed || live || !m_progress) {
            const auto runs = pipeline::loopRuns(*m_reader);
            if (isRunning() && m_ownRunId == 0 && !runs.empty() && runs.front().id > m_newestBeforeStart)
                m_ownRunId = runs.front().id; // the run this page just started
            std::int64_t show = m_shownRunId;
            if (m_ownRunId != 0)
                show = m_ownRunId;
            else if (!m_userPickedRun || std::none_of(runs.begin(), runs.end(), [&](const auto &r) { return r.id == show; }))
                show = runs.empty() ? 0 : runs.front().id;
            const bool other = show != m_shownRunId;
            m_shownRunId = show;
            fillRuns(runs);
            if (show != 0) {
                m_progress = pipeline::readRunProgress(*m_reader, show);
                if (other && !isRunning())
                    fillFormFromRun(m_progress->run);
            } else {
                m_progress.reset();
            }
            fillStages();
            fillCurve();
        }
        if (changed && m_dataVersion >= 0)
            Q_EMIT projectWritten();
    } catch (const std::exception &e) {
        setStatus(tr("Cannot read the project: %1").arg(QString::fromUtf8(e.what())), true);
    }
    updateControls();
    m_longestRefreshMs = std::max(m_longestRefreshMs, static_cast<double>(clock.nsecsElapsed()) / 1e6);
}

void RunPage::showRun(std::int64_t runId)
{
    if (!m_reader || runId == 0)
        return;
    try {
        m_shownRunId = runId;
        m_progress = pipeline::readRunProgress(*m_reader, runId);
        if (!isRunning())
            fillFormFromRun(m_progress->run);
        fillRuns(pipeline::loopRuns(*m_reader));
        fillStages();
        fillCurve();
    } catch (const std::exception &e) {
        setStatus(tr("Cannot read run %1: %2").arg(runId).arg(QString::fromUtf8(e.what())), true);
    }
    updateControls();
}

void RunPage::fillRuns(const std::vector<store::RunRecord> &runs)
{
    const QSignalBlocker block(m_runs);
    m_runs->clear();
    for (const auto &run : runs)
        m_runs->addItem(tr("Run %1 · %2 · %3").arg(run.id).arg(methodOf(run), toQString(store::toString(run.status))),
                        QVariant::fromValue<qlonglong>(run.id));
    const int index = m_runs->findData(QVariant::fromValue<qlonglong>(m_shownRunId));
    m_runs->setCurrentIndex(index);
}

// A stored run shows the settings it ran with: the form is filled from its record.
void RunPage::fillFormFromRun(const store::RunRecord &run)
{
    try {
        const auto stored = nlohmann::json::parse(run.hyperParametersJson);
        if (run.kind == store::RunKind::Rrr) {
            rrr::RrrRunRequest request;
            auto config = stored;
            request.task = config.value("task", "");
            request.dataPath = config.value("data", "");
            for (const char *key : {"task", "data", "model", "out"})
                config.erase(key);
            request.config = rrr::rrrConfigFromJson(config, "run " + std::to_string(run.id));
            std::map<std::string, std::string> values;
            for (const auto &f : rrr::rrrOptionFields())
                if (f.flag != "model" && f.flag != "out")
                    values[f.flag] = f.get(request);
            m_rrrForm->setValues(values);
            m_rrrBase = request.config; // its keys outside the form too
            m_rrrSource->setText(tr("Settings of run %1").arg(run.id));
            m_rrrSource->setToolTip({});
            setMethod(Method::Rrr);
        } else {
            const auto options = pipeline::pipelineOptionsFromJson(stored, "run " + std::to_string(run.id));
            m_rlrfForm->setValues(pipeline::runOptionValues(options));
            setMethod(options.mode == pipeline::PipelineMode::RewardOnly ? Method::RewardOnly : Method::Rlrf);
        }
    } catch (const std::exception &e) {
        setStatus(tr("Run %1's settings do not read: %2").arg(run.id).arg(QString::fromUtf8(e.what())), true);
    }
}

void RunPage::fillStages()
{
    m_stages->clear();
    if (!m_progress) {
        m_stages->setRowCount(0);
        m_stages->setColumnCount(0);
        m_timeTable->clear();
        m_current->clear();
        return;
    }
    const auto &p = *m_progress;
    m_stages->setColumnCount(static_cast<int>(p.columns.size()));
    m_stages->setRowCount(static_cast<int>(p.rows.size()));
    QStringList headers;
    for (const auto &column : p.columns) {
        // Two lines for the long labels, so every column keeps a readable width.
        QString label = toQString(pipeline::stageLabel(column));
        if (label.size() > 10 && label.contains(QLatin1Char(' ')))
            label[label.indexOf(QLatin1Char(' '))] = QLatin1Char('\n');
        headers << label;
    }
    m_stages->setHorizontalHeaderLabels(headers);
    QStringList rowLabels;
    for (std::size_t r = 0; r < p.rows.size(); ++r) {
        const auto &row = p.rows[r];
        rowLabels << (p.method == "rrr" ? tr("run")
                      : r + 1 == p.rows.size() ? tr("M%1").arg(row.iteration)
                                               : tr("iteration %1 (M%1)").arg(row.iteration));
        for (std::size_t c = 0; c < row.cells.size(); ++c) {
            const auto &cell = row.cells[c];
            auto *item = new QTableWidgetItem(cellText(cell));
            item->setData(Qt::UserRole, toQString(pipeline::toString(cell.state)));
            item->setToolTip(tr("%1: %2").arg(headers.value(static_cast<int>(c)), toQString(pipeline::toString(cell.state))));
            if (const auto colour = colourOf(cell.state); colour.isValid())
                item->setBackground(colour);
            m_stages->setItem(static_cast<int>(r), static_cast<int>(c), item);
        }
    }
    m_stages->setVerticalHeaderLabels(rowLabels);
    const QString table = toQString(p.timeTable);
    if (m_timeTable->toPlainText() != table)
        m_timeTable->setPlainText(tr("seconds per stage (row i: the iteration from M_i; its evaluate column is M_i's "
                                     "evaluation)\n")
                                  + table);
    m_current->setText(p.current.empty() ? QString()
                                          : tr("Now: %1 · %2 since the run started")
                                                .arg(toQString(p.current), seconds(p.elapsedSeconds)));
}

// The loss of the newest training pass, extended with the points written since
// the last refresh (or redrawn when another pass began).
void RunPage::fillCurve()
{
    if (!m_progress || !m_progress->training || !m_reader) {
        if (m_curveRun != 0)
            m_curve->clear();
        m_curveRun = 0;
        m_curvePoints = 0;
        return;
    }
    const auto &pass = *m_progress->training;
    if (pass.runId != m_curveRun) {
        m_curve->clear();
        m_curveRun = pass.runId;
        m_curvePoints = 0;
    }
    const auto points = store::MetricRepository(*m_reader).series(pass.runId, lossKeyOf(pass.kind));
    for (std::size_t i = m_curvePoints; i < points.size(); ++i)
        m_curve->addPoint(static_cast<double>(points[i].step), points[i].value);
    m_curvePoints = points.size();
    m_curve->setToolTip(tr("%1 of run %2 (M%3)")
                            .arg(toQString(lossKeyOf(pass.kind)))
                            .arg(pass.runId)
                            .arg(pass.iteration));
}

bool RunPage::isFollowingOther() const
{
    return m_progress && m_progress->run.status == store::RunStatus::Running
           && !(isRunning() && m_ownRunId == m_progress->run.id);
}

void RunPage::updateControls()
{
    const bool running = isRunning();
    // A run marked running that no process holds (store/run_lock.h) was killed.
    const bool stale = isFollowingOther() && !store::RunLock::isHeld(toStdString(m_path), m_progress->run.id);
    m_start->setEnabled(m_reader != nullptr && !running);
    m_stop->setEnabled(running);
    const bool resumable = m_progress
                           && (m_progress->run.kind == store::RunKind::Rlrf || m_progress->run.kind == store::RunKind::Rrr)
                           && m_progress->run.status != store::RunStatus::Succeeded
                           && (m_progress->run.status != store::RunStatus::Running || stale);
    m_resume->setEnabled(!running && resumable);
    const bool gate = m_progress && m_progress->pendingReview > 0 && m_progress->run.status != store::RunStatus::Running;
    m_resume->setText(gate ? tr("Continue run") : tr("Resume"));
    m_gate->setVisible(gate);
    m_openPairs->setVisible(gate);
    if (gate)
        m_gate->setText(tr("Review gate: %1 pairs of run %2 wait for review. Approve, edit or reject them in the Pairs "
                           "queue, then Continue run; edited pairs train as edited.")
                            .arg(m_progress->pendingReview)
                            .arg(m_progress->run.id));
    QString owner;
    if (!m_progress) {
        owner = m_reader ? tr("No RLRF or Reflect-Retry-Reward run in this project yet.") : QString();
    } else if (running && m_ownRunId == m_progress->run.id) {
        owner = tr("Run %1 (%2) is running here.").arg(m_progress->run.id).arg(methodOf(m_progress->run));
    } else if (m_progress->run.status == store::RunStatus::Running) {
        owner = stale ? tr("Run %1 is marked running, but no process runs it: the process that ran it was killed "
                           "or crashed (last write %2 ago). Resume continues it.")
                            .arg(m_progress->run.id)
                            .arg(seconds(monotonicSeconds() - m_lastWriteSeconds))
                      : tr("Following run %1 (%2), started by another process: read-only here.")
                            .arg(m_progress->run.id)
                            .arg(methodOf(m_progress->run));
    } else {
        owner = tr("Run %1 (%2): %3").arg(m_progress->run.id).arg(methodOf(m_progress->run),
                                                                    toQString(store::toString(m_progress->run.status)));
        if (!m_progress->run.message.empty())
            owner += QStringLiteral(" — ") + toQString(m_progress->run.message);
    }
    m_ownership->setText(owner);
    m_ownership->setStyleSheet(isFollowingOther() ? QStringLiteral("background: #deecf9; padding: 4px;") : QString());
}

void RunPage::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #a4262c;") : QString());
}

QString RunPage::statusText() const
{
    return m_status->text();
}

QString RunPage::ownershipText() const
{
    return m_ownership->text();
}

QString RunPage::timeTableText() const
{
    return m_timeTable->toPlainText();
}

void RunPage::setPollInterval(int milliseconds)
{
    m_timer->setInterval(milliseconds);
}

} // namespace rlrf::ui
