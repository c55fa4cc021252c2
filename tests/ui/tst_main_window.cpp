// The application shell, offscreen: the window shows with every work area, the Log
// panel follows the spdlog stream live (from any thread), the About dialog names the
// libraries, and recent projects and window state survive a restart.
#include "app_settings.h"
#include "main_window.h"
#include "views/about_dialog.h"
#include "views/log_view.h"
#include "worker/job_controller.h"

#include "core/logging.h"

#include <QDockWidget>
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
