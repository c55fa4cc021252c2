#include "main_window.h"

#include "app_settings.h"
#include "project_session.h"
#include "string_convert.h"
#include "views/about_dialog.h"
#include "views/explorer_page.h"
#include "views/iterations_page.h"
#include "views/judge_settings_dialog.h"
#include "views/log_view.h"
#include "views/pairs_page.h"
#include "views/project_page.h"
#include "views/rrr_attempts.h"
#include "views/rrr_page.h"
#include "views/run_page.h"
#include "views/rubric_page.h"
#include "views/teaching_page.h"
#include "views/training_page.h"
#include "worker/job_controller.h"

#include "core/logging.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>

#include <tuple>

// Resources live in the static rlrf_ui library, so they must be registered by hand
// (from the global namespace, as Q_INIT_RESOURCE requires).
static void initUiResources()
{
    Q_INIT_RESOURCE(resources);
}

namespace rlrf::ui {

namespace {
// How often, at most, the other areas re-read the file while a run writes it.
constexpr int kFollowReloadMs = 3000;
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_areas(new QTabWidget(this))
    , m_logDock(new QDockWidget(tr("Log"), this))
    , m_logView(new LogView(m_logDock))
    , m_projectPage(new ProjectPage(this))
{
    initUiResources();
    setWindowTitle(tr("RLRF Workbench"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/rlrf-workbench.svg")));
    // The backend thread starts after the Log panel exists (built above), so its
    // first lines show; the project session, training and teaching areas need it.
    m_jobs = new JobController(this);
    m_session = new ProjectSession(m_jobs, this);
    createAreas();
    createMenus();
    statusBar()->showMessage(tr("Starting the backend…"));
    connect(m_jobs, &JobController::backendReady, this, [this](const RuntimeInfo &info) {
        statusBar()->showMessage(tr("Backend ready: LibTorch %1, %2 threads%3")
                                     .arg(toQString(info.torchVersion))
                                     .arg(info.threads)
                                     .arg(info.cudaAvailable ? tr(", CUDA") : QString()));
    });
    resize(1280, 800);
    AppSettings::restoreWindow(*this);
}

MainWindow::~MainWindow() = default;

void MainWindow::createAreas()
{
    m_areas->setObjectName(QStringLiteral("areas"));
    m_areas->setDocumentMode(true);

    m_projectPage->setObjectName(QStringLiteral("area.project"));
    connect(m_projectPage, &ProjectPage::openRequested, this, &MainWindow::openProject);
    connect(m_projectPage, &ProjectPage::openDialogRequested, this, &MainWindow::openProjectDialog);
    m_projectPage->setSession(m_session);
    m_areas->addTab(m_projectPage, tr("Project"));
    m_rubricPage = new RubricPage(m_session, this);
    m_rubricPage->setObjectName(QStringLiteral("area.rubric"));
    m_areas->addTab(m_rubricPage, tr("Rubric"));
    m_explorerPage = new ExplorerPage(m_session, this);
    m_explorerPage->setObjectName(QStringLiteral("area.explorer"));
    m_areas->addTab(m_explorerPage, tr("Explorer"));
    // A project file without write permission opens for reading; this says so
    // for as long as it is open (writes would be refused with the same words).
    m_readOnlyNotice = new QLabel(this);
    m_readOnlyNotice->setObjectName(QStringLiteral("window.readOnly"));
    m_readOnlyNotice->setStyleSheet(QStringLiteral("background: #fff4ce; padding: 2px 6px;"));
    m_readOnlyNotice->hide();
    statusBar()->addPermanentWidget(m_readOnlyNotice);
    connect(m_session, &ProjectSession::opened, this, [this](const QString &path) {
        const bool readOnly = m_session->readOnly();
        m_readOnlyNotice->setVisible(readOnly);
        m_readOnlyNotice->setText(readOnly ? tr("Read-only: %1 has no write permission. You can look at everything; "
                                                "runs, reviews, imports and edits cannot be saved.")
                                                 .arg(QFileInfo(path).fileName())
                                           : QString());
        setWindowTitle(readOnly ? tr("%1 (read-only) — RLRF Workbench").arg(QFileInfo(path).fileName())
                                : tr("%1 — RLRF Workbench").arg(QFileInfo(path).fileName()));
    });
    connect(m_session, &ProjectSession::closed, this, [this] { m_readOnlyNotice->hide(); });
    connect(m_session, &ProjectSession::openFailed, this, [this](const QString &path, const QString &message) {
        rlrf::log::get("workbench")->error("cannot open project {}: {}", toStdString(path), toStdString(message));
        statusBar()->showMessage(tr("Cannot open %1: %2").arg(path, message));
    });

    addLoopAreas();
    setCentralWidget(m_areas);

    m_logDock->setObjectName(QStringLiteral("area.log"));
    m_logDock->setWidget(m_logView);
    m_logDock->setAllowedAreas(Qt::BottomDockWidgetArea | Qt::RightDockWidgetArea);
    addDockWidget(Qt::BottomDockWidgetArea, m_logDock);
}

// Pairs, Training, Iterations, Teaching and Reflect-Retry-Reward: the areas that
// follow the two methods' loops.
void MainWindow::addLoopAreas()
{
    auto *run = new RunPage(this);
    auto *pairs = new PairsPage(m_session, this);
    auto *training = new TrainingPage(m_jobs, this);
    auto *iterations = new IterationsPage(this);
    auto *teaching = new TeachingPage(m_jobs, this);
    auto *rrr = new RrrPage(this);
    rrr->setAttemptLoader([](store::Database &db, std::int64_t runId) { return loadRrrAttempts(db, runId); });
    const std::tuple<QWidget *, const char *, QString> pages[] = {
        {run, "area.run", tr("Run")},
        {pairs, "area.pairs", tr("Pairs")},          {training, "area.training", tr("Training")},
        {iterations, "area.iterations", tr("Iterations")}, {teaching, "area.teaching", tr("Teaching")},
        {rrr, "area.rrr", tr("Reflect-Retry-Reward")}};
    for (const auto &[page, id, title] : pages) {
        page->setObjectName(QString::fromLatin1(id));
        m_areas->addTab(page, title);
    }
    connect(this, &MainWindow::projectOpened, training, &TrainingPage::setProject);
    connect(this, &MainWindow::projectOpened, iterations, &IterationsPage::setProject);
    connect(this, &MainWindow::projectOpened, teaching, &TeachingPage::setProject);
    connect(this, &MainWindow::projectOpened, rrr, &RrrPage::setProject);
    connect(training, &TrainingPage::runFinished, iterations, &IterationsPage::reload);
    connect(pairs, &PairsPage::pairsChanged, iterations, &IterationsPage::reload);

    // A run writes from its own thread or from another process: the Run area sees
    // the file change and the other areas read it again at once, then at most
    // every few seconds so a fast run does not keep them busy; a write that came
    // in the pause is read when it ends, so nothing written stays unshown.
    m_runPage = run;
    m_followReload = new QTimer(this);
    m_followReload->setSingleShot(true);
    m_followReload->setInterval(kFollowReloadMs);
    const auto reloadFollowers = [this, iterations, rrr, training] {
        iterations->reload();
        rrr->reload();
        training->followNewestRun();
        m_session->noteWrittenElsewhere();
    };
    connect(m_followReload, &QTimer::timeout, this, [this, reloadFollowers] {
        if (!m_followPending)
            return;
        m_followPending = false;
        reloadFollowers();
        m_followReload->start();
    });
    connect(this, &MainWindow::projectOpened, run, &RunPage::setProject);
    connect(run, &RunPage::projectWritten, this, [this, reloadFollowers] {
        if (m_followReload->isActive()) {
            m_followPending = true;
            return;
        }
        reloadFollowers();
        m_followReload->start();
    });
    connect(run, &RunPage::runFinished, this, [this, reloadFollowers] {
        m_followReload->stop();
        m_followPending = false;
        reloadFollowers(); // at once: the run's last writes
    });
    connect(run, &RunPage::reviewRequested, this, [this, pairs] { m_areas->setCurrentWidget(pairs); });
    connect(pairs, &PairsPage::pairsChanged, run, &RunPage::refresh);
}

QStringList MainWindow::areaNames() const
{
    QStringList names;
    for (int i = 0; i < m_areas->count(); ++i)
        names << m_areas->tabText(i);
    names << m_logDock->windowTitle();
    return names;
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open Project…"), this, &MainWindow::openProjectDialog);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_logDock->toggleViewAction());

    QMenu *settings = menuBar()->addMenu(tr("&Settings"));
    settings->addAction(tr("Remote &Judge…"), this, [this] {
        auto *dialog = new JudgeSettingsDialog(m_jobs, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    })->setObjectName(QStringLiteral("action.remoteJudge"));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About RLRF Workbench"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = AppSettings::recentProjects();
    for (const QString &path : recent)
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openProject(path); })->setToolTip(path);
    m_recentMenu->setEnabled(!recent.isEmpty());
    m_projectPage->refreshRecent();
}

void MainWindow::openProjectDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Project"), QString(),
                                                      tr("RLRF projects (*.rlrf);;All files (*)"));
    if (!path.isEmpty())
        openProject(path);
}

bool MainWindow::openProject(const QString &path)
{
    // A project is an SQLite file; check the magic header before going further so a
    // wrong file gets a clear message instead of an obscure database error.
    QFile file(path);
    QString problem;
    if (!file.exists())
        problem = tr("the file does not exist");
    else if (!file.open(QIODevice::ReadOnly))
        problem = tr("the file cannot be read: %1").arg(file.errorString());
    else if (file.read(16) != QByteArray("SQLite format 3\0", 16))
        problem = tr("it is not an RLRF project (not an SQLite database)");
    if (!problem.isEmpty()) {
        rlrf::log::get("workbench")->error("cannot open project {}: {}", toStdString(path), toStdString(problem));
        if (!QFileInfo::exists(path))
            AppSettings::removeRecentProject(path);
        rebuildRecentMenu();
        if (isVisible())
            QMessageBox::warning(this, tr("Cannot open project"), tr("Cannot open %1:\n%2").arg(path, problem));
        return false;
    }
    m_projectPath = QFileInfo(path).absoluteFilePath();
    AppSettings::addRecentProject(m_projectPath);
    rebuildRecentMenu();
    m_projectPage->setCurrentProject(m_projectPath);
    m_session->open(m_projectPath); // migration and checks on the backend thread
    Q_EMIT projectOpened(m_projectPath);
    setWindowTitle(tr("%1 — RLRF Workbench").arg(QFileInfo(path).fileName()));
    rlrf::log::get("workbench")->info("opened project {}", toStdString(m_projectPath));
    return true;
}

bool MainWindow::showArea(const QString &title)
{
    const QString area = title.section(QLatin1Char('/'), 0, 0);
    const QString inner = title.section(QLatin1Char('/'), 1);
    for (int i = 0; i < m_areas->count(); ++i) {
        if (m_areas->tabText(i).compare(area, Qt::CaseInsensitive) != 0)
            continue;
        m_areas->setCurrentIndex(i);
        if (inner.isEmpty())
            return true;
        // "Explorer/Refinement": a tab inside the area.
        for (auto *tabs : m_areas->widget(i)->findChildren<QTabWidget *>())
            for (int j = 0; j < tabs->count(); ++j)
                if (tabs->tabText(j).remove(QLatin1Char('&')).compare(inner, Qt::CaseInsensitive) == 0) {
                    tabs->setCurrentIndex(j);
                    return true;
                }
        return false;
    }
    return false;
}

void MainWindow::showAbout()
{
    AboutDialog dialog(m_jobs->runtimeInfo(), this);
    dialog.exec();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // A run going in this window stops with it: ask first. Stopping keeps every
    // finished batch, and Resume continues the run later.
    if (m_runPage && m_runPage->isRunning()) {
        QMessageBox ask(QMessageBox::Question, tr("A run is going"),
                        tr("A run is going in this window. Closing stops it after the current batch; everything "
                           "finished is kept, and Resume in the Run area continues it later."),
                        QMessageBox::NoButton, this);
        ask.setObjectName(QStringLiteral("confirm.closeDuringRun"));
        QPushButton *stop = ask.addButton(tr("Stop the run and close"), QMessageBox::AcceptRole);
        stop->setObjectName(QStringLiteral("confirm.stopAndClose"));
        QPushButton *keep = ask.addButton(tr("Keep running"), QMessageBox::RejectRole);
        keep->setObjectName(QStringLiteral("confirm.keepRunning"));
        ask.setDefaultButton(keep);
        ask.exec();
        if (ask.clickedButton() != stop) {
            event->ignore();
            return;
        }
        m_runPage->stop();
    }
    AppSettings::saveWindow(*this);
    event->accept();
}

} // namespace rlrf::ui
