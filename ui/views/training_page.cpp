// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/training_page.h"

#include "plots/training_curves.h"
#include "project_paths.h"
#include "string_convert.h"
#include "views/dpo_settings_form.h"
#include "worker/job_controller.h"

#include "store/metric_repository.h"
#include "store/pair_repository.h"
#include "store/project_file.h"
#include "store/prompt_repository.h"
#include "store/run_repository.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>

namespace rlrf::ui {

TrainingPage::TrainingPage(JobController *jobs, QWidget *parent)
    : QWidget(parent)
    , m_jobs(jobs)
    , m_settings(new DpoSettingsForm(this))
    , m_curves(new TrainingCurves(this))
    , m_stepPairs(new QListWidget(this))
    , m_status(new QLabel(this))
    , m_launch(new QPushButton(tr("Train on approved pairs"), this))
    , m_pause(new QPushButton(tr("Pause"), this))
    , m_resume(new QPushButton(tr("Resume"), this))
    , m_stop(new QPushButton(tr("Stop"), this))
{
    m_status->setObjectName(QStringLiteral("training.status"));
    m_status->setWordWrap(true);
    m_stepPairs->setObjectName(QStringLiteral("training.stepPairs"));
    m_stepPairs->setWordWrap(true);
    connect(m_launch, &QPushButton::clicked, this, &TrainingPage::launch);
    connect(m_pause, &QPushButton::clicked, this, &TrainingPage::pause);
    connect(m_resume, &QPushButton::clicked, this, &TrainingPage::resume);
    connect(m_stop, &QPushButton::clicked, this, &TrainingPage::stop);
    connect(m_curves, &TrainingCurves::stepClicked, this, &TrainingPage::showStepPairs);
    connect(m_jobs, &JobController::jobMetric, this, [this](int id, qint64 step, const QString &key, double value) {
        if (id != m_jobId)
            return;
        m_lastStep = step; // a resumed run reports the steps of the whole run
        m_curves->addMetric(step, key, value);
    });
    connect(m_jobs, &JobController::jobProgress, this,
            [this](int id, qint64 done, qint64 total, const QString &stage, double eta) {
                if (id == m_jobId)
                    m_status->setText(tr("%1: step %2 of %3%4")
                                          .arg(stage)
                                          .arg(done)
                                          .arg(total)
                                          .arg(eta >= 0 ? tr(", about %1 s left").arg(eta, 0, 'f', 0) : QString()));
            });
    connect(m_jobs, &JobController::jobFinished, this,
            [this](int id, Outcome outcome, const QString &message) { onFinished(id, static_cast<int>(outcome), message); });

    auto *buttons = new QHBoxLayout;
    for (auto *b : {m_launch, m_pause, m_resume, m_stop})
        buttons->addWidget(b);
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->addWidget(m_settings);
    leftLayout->addLayout(buttons);
    leftLayout->addWidget(m_status);
    leftLayout->addWidget(new QLabel(tr("Pairs of the clicked step:"), this));
    leftLayout->addWidget(m_stepPairs, 1);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(left);
    splitter->addWidget(m_curves);
    splitter->setStretchFactor(1, 3);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);
    updateButtons();
}

void TrainingPage::setProject(const QString &path)
{
    m_project = path;
    try {
        auto project = store::Project::open(toStdString(path));
        m_settings->setPolicyFolder(projectModelFolder(path, project.info().modelDir));
        int iteration = 1;
        std::int64_t latest = 0;
        for (const auto &run : store::RunRepository(project.db()).list()) {
            if (run.kind != store::RunKind::Dpo)
                continue;
            latest = run.id;
            if (run.status == store::RunStatus::Succeeded)
                iteration = std::max(iteration, run.iteration + 1);
        }
        if (latest != 0 && m_jobId == 0)
            showStoredRun(latest);
        m_settings->setIteration(iteration);
        const QFileInfo info(path);
        m_settings->setOutputFolder(info.dir().filePath(info.completeBaseName() + QStringLiteral("-runs/dpo-m")
                                                        + QString::number(iteration)));
    } catch (const std::exception &e) {
        m_status->setText(QString::fromUtf8(e.what()));
    }
}

void TrainingPage::followNewestRun()
{
    if (m_jobId != 0 || m_project.isEmpty())
        return;
    try {
        auto project = store::Project::open(toStdString(m_project));
        std::int64_t latest = 0;
        for (const auto &run : store::RunRepository(project.db()).list())
            if (run.kind == store::RunKind::Dpo)
                latest = run.id;
        if (latest == 0)
            return;
        if (latest != m_shownRun) {
            showStoredRun(latest);
            return;
        }
        addStoredSteps(project.db(), latest);
        const auto run = store::RunRepository(project.db()).byId(latest);
        m_status->setText(tr("Run %1 (M%2, %3), read from the project.")
                              .arg(latest)
                              .arg(run.iteration)
                              .arg(toQString(store::toString(run.status))));
    } catch (const std::exception &e) {
        m_status->setText(QString::fromUtf8(e.what()));
    }
}

// The run's points after the last step drawn, step by step as a live run
// reports them, so the flags see whole steps. While the run goes, its newest
// step waits for the next: its points may not all be written yet.
std::size_t TrainingPage::addStoredSteps(store::Database &db, std::int64_t runId)
{
    store::MetricRepository metrics(db);
    std::vector<store::MetricPoint> fresh;
    for (const auto &key : metrics.keys(runId))
        for (const auto &point : metrics.series(runId, key))
            if (point.step > m_shownStep)
                fresh.push_back(point);
    if (fresh.empty())
        return 0;
    std::stable_sort(fresh.begin(), fresh.end(), [](const auto &a, const auto &b) { return a.step < b.step; });
    const bool running = store::RunRepository(db).byId(runId).status == store::RunStatus::Running;
    const std::int64_t upTo = running ? fresh.back().step - 1 : fresh.back().step;
    std::size_t added = 0;
    for (const auto &point : fresh) {
        if (point.step > upTo)
            break;
        m_curves->addMetric(point.step, toQString(point.key), point.value);
        ++added;
    }
    m_curves->finish();
    m_shownStep = std::max(m_shownStep, upTo);
    return added;
}

bool TrainingPage::showStoredRun(std::int64_t runId)
{
    m_curves->clear();
    m_plan.clear();
    m_shownRun = runId;
    m_shownStep = 0;
    std::size_t points = 0;
    try {
        auto project = store::Project::open(toStdString(m_project));
        points = addStoredSteps(project.db(), runId);
        const auto run = store::RunRepository(project.db()).byId(runId);
        m_plan = pipeline::storedStepPairIds(run.hyperParametersJson);
        // The form shows the settings this run had, not the form's defaults.
        if (const auto config = pipeline::storedDpoConfig(run.hyperParametersJson))
            m_settings->setConfig(*config);
        m_status->setText(tr("Run %1 (M%2, %3), read from the project.")
                              .arg(runId)
                              .arg(run.iteration)
                              .arg(toQString(store::toString(run.status))));
    } catch (const std::exception &e) {
        m_status->setText(QString::fromUtf8(e.what()));
        return false;
    }
    return points > 0;
}

bool TrainingPage::launch()
{
    QString error;
    const auto config = m_settings->config(&error);
    if (!config || m_project.isEmpty() || m_jobId != 0) {
        m_status->setText(!config ? error : m_project.isEmpty() ? tr("Open a project first.") : tr("A run is going on."));
        return false;
    }
    pipeline::StoreDpoRequest request;
    request.projectPath = toStdString(m_project);
    request.policyFolder = toStdString(m_settings->policyFolder());
    request.referenceFolder = toStdString(m_settings->referenceFolder());
    request.outputFolder = toStdString(m_settings->outputFolder());
    request.iteration = m_settings->iteration();
    request.config = *config;
    m_curves->clear();
    m_curves->setLossType(toQString(config->lossType));
    m_lastStep = 0;
    m_shownRun = m_shownStep = 0; // the curves are this page's run now
    m_pausedCheckpoint.clear();
    return start(request);
}

bool TrainingPage::start(pipeline::StoreDpoRequest request)
{
    // The step plan is known before the run starts, so a click can show a step's
    // pairs while the run goes on; a resumed run follows the same plan.
    try {
        auto project = store::Project::open(request.projectPath);
        m_plan = pipeline::stepPairIds(request.config, pipeline::trainablePairIds(project));
    } catch (const std::exception &e) {
        m_status->setText(QString::fromUtf8(e.what()));
        return false;
    }
    m_request = request;
    m_running = std::make_shared<pipeline::StoreDpoResult>();
    auto result = m_running;
    m_pauseRequested = false;
    m_jobId = m_jobs->start(tr("DPO iteration M%1").arg(request.iteration), [request, result](const RunContext &context) {
        *result = pipeline::runDpoOnApprovedPairs(request, context);
        return JobResult{result->training.outcome, toQString(result->training.message)};
    });
    m_status->setText(request.resumeFrom.empty()
                          ? tr("Starting: reference log-probs first…")
                          : tr("Resuming after step %1 from %2…").arg(m_lastStep).arg(toQString(request.resumeFrom)));
    updateButtons();
    return true;
}

void TrainingPage::pause()
{
    if (m_jobId == 0)
        return;
    m_pauseRequested = true;
    m_jobs->cancel(m_jobId);
}

void TrainingPage::stop()
{
    if (m_jobId == 0)
        return;
    m_pauseRequested = false;
    m_jobs->cancel(m_jobId);
}

bool TrainingPage::resume()
{
    if (m_jobId != 0 || m_pausedCheckpoint.empty())
        return false;
    // The paused run's own request: same folders, settings and iteration.
    pipeline::StoreDpoRequest request = m_request;
    request.resumeFrom = m_pausedCheckpoint;
    return start(request);
}

void TrainingPage::onFinished(int jobId, int outcome, const QString &message)
{
    if (jobId != m_jobId)
        return;
    m_jobId = 0;
    m_curves->finish();
    m_last = *m_running;
    const auto how = static_cast<Outcome>(outcome);
    // A pause leaves a checkpoint to resume; a finished or stopped run does not. A
    // failure (a refused resume among them) keeps the earlier one.
    if (how == Outcome::Cancelled && m_pauseRequested && !m_last.training.checkpoint.empty())
        m_pausedCheckpoint = m_last.training.checkpoint;
    else if (how != Outcome::Failed)
        m_pausedCheckpoint.clear();
    QString text;
    if (how == Outcome::Succeeded)
        text = tr("Finished: %1 steps on %2 pairs; model M%3 in %4")
                   .arg(m_last.training.steps)
                   .arg(m_last.pairIds.size())
                   .arg(m_request.iteration)
                   .arg(toQString(m_last.training.checkpoint));
    else if (how == Outcome::Cancelled && m_pauseRequested)
        text = tr("Paused after step %1; checkpoint %2. Resume continues from it.")
                   .arg(m_lastStep)
                   .arg(toQString(m_last.training.checkpoint));
    else
        text = tr("%1: %2").arg(QString::fromLatin1(toString(how)), message);
    m_status->setText(text);
    updateButtons();
    Q_EMIT runFinished(how == Outcome::Succeeded);
}

void TrainingPage::updateButtons()
{
    const bool running = m_jobId != 0;
    m_launch->setEnabled(!running);
    m_pause->setEnabled(running);
    m_stop->setEnabled(running);
    m_resume->setEnabled(!running && !m_pausedCheckpoint.empty());
}

std::vector<std::int64_t> TrainingPage::pairsOfStep(qint64 step) const
{
    if (step >= 1 && step <= static_cast<qint64>(m_plan.size()))
        return m_plan[static_cast<std::size_t>(step - 1)];
    return {};
}

void TrainingPage::showStepPairs(qint64 step)
{
    m_stepPairs->clear();
    const auto ids = pairsOfStep(step);
    if (ids.empty() || m_project.isEmpty())
        return;
    try {
        auto project = store::Project::open(toStdString(m_project));
        store::PairRepository pairs(project.db());
        store::PromptRepository prompts(project.db());
        for (const auto id : ids) {
            const auto pair = pairs.byId(id);
            m_stepPairs->addItem(tr("Step %1 · pair %2: %3\n  chosen: %4\n  rejected: %5")
                                     .arg(step)
                                     .arg(id)
                                     .arg(toQString(prompts.byId(pair.promptId).text).left(100))
                                     .arg(toQString(pair.chosenText).left(100))
                                     .arg(toQString(pair.rejectedText).left(100)));
        }
    } catch (const std::exception &e) {
        m_stepPairs->addItem(QString::fromUtf8(e.what()));
    }
}

QStringList TrainingPage::shownStepPairs() const
{
    QStringList lines;
    for (int i = 0; i < m_stepPairs->count(); ++i)
        lines << m_stepPairs->item(i)->text();
    return lines;
}

QString TrainingPage::statusText() const
{
    return m_status->text();
}

} // namespace rlrf::ui
