// The application shell, offscreen: the window shows with every work area, the Log
// panel follows the spdlog stream live (from any thread), the About dialog names the
// libraries, recent projects and window state survive a restart, and a project
// file without write permission opens read-only with a visible notice.
#include "app_settings.h"
#include "main_window.h"
#include "views/about_dialog.h"
#include "views/log_view.h"
#include "worker/job_controller.h"

#include "core/error.h"
#include "core/logging.h"
#include "store/project_file.h"
#include "views/run_page.h"

#include <QDockWidget>
#include <QLabel>
#include <QStatusBar>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <thread>

using rlrf::ui::MainWindow;

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
        QCoreApplication::setOrganizationName(QStringLiteral("RLRF Workbench Tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_main_window"));
        QSettings().clear();
        rlrf::log::init();
        rlrf::log::setConsoleLevel(spdlog::level::warn);
    }

    void showsWithAllAreas()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.windowTitle(), QStringLiteral("RLRF Workbench"));
        const QStringList expected{QStringLiteral("Project"), QStringLiteral("Rubric"), QStringLiteral("Explorer"),
                                   QStringLiteral("Run"),           QStringLiteral("Pairs"), QStringLiteral("Training"), QStringLiteral("Iterations"),
                                   QStringLiteral("Teaching"), QStringLiteral("Reflect-Retry-Reward"),
                                   QStringLiteral("Log")};
        QCOMPARE(window.areaNames(), expected);
        for (const char *id : {"area.project", "area.rubric", "area.explorer", "area.run", "area.pairs", "area.training",
                               "area.iterations", "area.teaching", "area.rrr"})
            QVERIFY2(window.findChild<QWidget *>(QString::fromLatin1(id)), id);
        auto *log = window.findChild<QDockWidget *>(QStringLiteral("area.log"));
        QVERIFY(log);
        QVERIFY(log->isVisible());
    }

    void logPanelShowsBackendLogLive()
    {
        MainWindow window;
        window.show();
        // A backend thread logs; the panel shows it within its 100 ms polling.
        std::thread worker([] { rlrf::log::get("pipeline")->info("critique batch 3/7 stored"); });
        worker.join();
        QTRY_VERIFY_WITH_TIMEOUT(window.logView()->text().contains(QStringLiteral("[pipeline] info: critique batch 3/7 stored")), 5000);
    }

    void aboutListsLibraryVersions()
    {
        MainWindow window;
        // The worker thread initialises LibTorch and reads the runtime facts.
        QTRY_VERIFY_WITH_TIMEOUT(window.jobs()->runtimeInfo().has_value(), 30000);
        const QString text = rlrf::ui::AboutDialog::versionsText(window.jobs()->runtimeInfo());
        QVERIFY(text.contains(QStringLiteral("Qt: %1").arg(QString::fromLatin1(qVersion()))));
        QVERIFY(text.contains(QRegularExpression(QStringLiteral("LibTorch: [12]\\.\\d+"))));
        QVERIFY(text.contains(QRegularExpression(QStringLiteral("SQLite: 3\\.\\d+"))));
        QVERIFY(text.contains(QStringLiteral("QCustomPlot: 2.1")));
        QVERIFY(!text.contains(QStringLiteral("starting")));
        // The backend's first log line (logged on its own thread) reached the panel.
        QTRY_VERIFY_WITH_TIMEOUT(window.logView()->text().contains(QStringLiteral("backend ready: LibTorch")), 5000);
    }

    void showAreaSelectsByTitle()
    {
        MainWindow window;
        QVERIFY(window.showArea(QStringLiteral("training")));
        QCOMPARE(window.areas()->currentWidget()->objectName(), QStringLiteral("area.training"));
        QVERIFY(window.showArea(QStringLiteral("run"))); // `--area run`
        QCOMPARE(window.areas()->currentWidget()->objectName(), QStringLiteral("area.run"));
        QVERIFY(!window.showArea(QStringLiteral("nowhere")));
    }

    void openRejectsNonProjects()
    {
        QTemporaryDir dir;
        const QString bogus = dir.filePath(QStringLiteral("notes.rlrf"));
        QFile f(bogus);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("just text\n");
        f.close();
        MainWindow window;
        QVERIFY(!window.openProject(bogus));
        QVERIFY(!window.openProject(dir.filePath(QStringLiteral("missing.rlrf"))));
        QVERIFY(window.currentProject().isEmpty());
    }

    void readOnlyProjectOpensReadOnlyWithANotice()
    {
        QTemporaryDir dir;
        const QString project = dir.filePath(QStringLiteral("locked.rlrf"));
        rlrf::store::Project::create(project.toStdString(), {"arith", "models/demo", {}, 0});
        QVERIFY(QFile::setPermissions(project, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
        const auto before = QFileInfo(project).lastModified();
        MainWindow window;
        window.show();
        QVERIFY(window.openProject(project));
        auto *notice = window.findChild<QLabel *>(QStringLiteral("window.readOnly"));
        QVERIFY(notice);
        QTRY_VERIFY_WITH_TIMEOUT(notice->isVisible(), 10000);
        QVERIFY2(notice->text().contains(QStringLiteral("Read-only: locked.rlrf has no write permission")),
                 qPrintable(notice->text()));
        QVERIFY(window.windowTitle().contains(QStringLiteral("(read-only)")));
        // Starting a run says why it cannot, in the words the CLI uses.
        auto *run = window.findChild<rlrf::ui::RunPage *>();
        QVERIFY(run);
        QSignalSpy finished(run, &rlrf::ui::RunPage::runFinished);
        QVERIFY2(run->start(), qPrintable(run->statusText()));
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 30000);
        QVERIFY2(finished.at(0).at(1).toString().contains(QStringLiteral("read-only")),
                 qPrintable(finished.at(0).at(1).toString()));
        window.close();
        QCOMPARE(QFileInfo(project).lastModified(), before); // nothing was written
        auto reopened = rlrf::store::Project::open(project.toStdString());
        QVERIFY(reopened.readOnly());
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, reopened.requireWritable("run the loop"));
        QVERIFY(QFile::setPermissions(project, QFile::ReadOwner | QFile::WriteOwner));
    }

    void recentProjectsAndWindowStatePersist()
    {
        QTemporaryDir dir;
        const QString project = dir.filePath(QStringLiteral("demo.rlrf"));
        QFile f(project);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("SQLite format 3\0", 16) + QByteArray(84, '\0'));
        f.close();
        {
            MainWindow window;
            window.show();
            window.resize(1000, 700);
            QVERIFY(window.openProject(project));
            QVERIFY(window.windowTitle().startsWith(QStringLiteral("demo.rlrf")));
            window.close();
        }
        QCOMPARE(rlrf::ui::AppSettings::recentProjects().value(0), QFileInfo(project).absoluteFilePath());
        MainWindow again;
        QCOMPARE(again.size(), QSize(1000, 700));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
