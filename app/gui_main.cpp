// rlrf-workbench: the desktop application. Creates the QApplication, opens the
// project given on the command line (or the last one) and shows the main window.
#include "app_settings.h"
#include "main_window.h"
#include "screenshot.h"

#include "core/allocator_tuning.h"
#include "core/logging.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char *argv[])
{
    rlrf::keepFreedMemoryForReuse();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("RLRF Workbench"));
    QApplication::setApplicationName(QStringLiteral("rlrf-workbench"));
    QApplication::setApplicationDisplayName(QStringLiteral("RLRF Workbench"));
    QApplication::setApplicationVersion(QStringLiteral(RLRF_APP_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("rlrf-workbench"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Improve language models with reflective feedback."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("An .rlrf project file to open."));
    const QCommandLineOption areaOption(QStringLiteral("area"), QStringLiteral("Show this work area first (Project, Rubric, …; Explorer/Refinement for a tab inside one)."),
                                        QStringLiteral("name"));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QStringLiteral("Save a PNG of the window once the backend is ready, then quit (for documentation)."),
        QStringLiteral("file"));
    parser.addOption(areaOption);
    parser.addOption(screenshotOption);
    parser.process(app);

    rlrf::log::init(spdlog::level::info);

    rlrf::ui::MainWindow window;
    window.show();
    const bool firstStart = rlrf::ui::AppSettings::takeFirstStart();
    if (!parser.positionalArguments().isEmpty())
        window.openProject(parser.positionalArguments().constFirst());
    else if (firstStart && !rlrf::ui::AppSettings::demoProject().isEmpty())
        window.openProject(rlrf::ui::AppSettings::demoProject()); // the demo opens by itself the first time
    if (parser.isSet(areaOption) && !window.showArea(parser.value(areaOption))) {
        qCritical("unknown area '%s'; the areas are: %s", qPrintable(parser.value(areaOption)),
                  qPrintable(window.areaNames().join(QStringLiteral(", "))));
        return 2;
    }
    if (parser.isSet(screenshotOption))
        rlrf::ui::saveScreenshotWhenReady(window, parser.value(screenshotOption));
    return QApplication::exec();
}
