// rlrf-workbench: the desktop application. Creates the QApplication, opens the
// project given on the command line (or the last one) and shows the main window.
#include "main_window.h"

#include "core/logging.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char *argv[])
{
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
    parser.process(app);

    rlrf::log::init(spdlog::level::info);

    rlrf::ui::MainWindow window;
    window.show();
    if (!parser.positionalArguments().isEmpty())
        window.openProject(parser.positionalArguments().constFirst());
    return QApplication::exec();
}
