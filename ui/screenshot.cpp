#include "screenshot.h"

#include "main_window.h"
#include "worker/job_controller.h"

#include <QApplication>
#include <QPixmap>
#include <QScreen>
#include <QTimer>
#include <QWindow>

namespace rlrf::ui {
namespace {

void grabAndQuit(MainWindow &window, const QString &pngPath)
{
    // Grab from the screen rather than render the widget, so the picture is what a
    // person sees (style, fonts, docks) on that display.
    QScreen *screen = window.windowHandle() ? window.windowHandle()->screen() : QGuiApplication::primaryScreen();
    QPixmap pixmap = screen ? screen->grabWindow(window.winId()) : QPixmap();
    if (pixmap.isNull() || pixmap.size().isEmpty())
        pixmap = window.grab();
    const bool ok = pixmap.save(pngPath, "PNG");
    if (!ok)
        qCritical("cannot write screenshot %s", qPrintable(pngPath));
    QCoreApplication::exit(ok ? 0 : 1);
}

} // namespace

void saveScreenshotWhenReady(MainWindow &window, const QString &pngPath)
{
    auto shoot = [&window, pngPath] {
        // Wait for queued jobs (opening the project) to end, then let pending paints
        // and the log poll land before grabbing.
        auto *poll = new QTimer(&window);
        QObject::connect(poll, &QTimer::timeout, &window, [&window, pngPath, poll] {
            if (window.jobs()->isBusy())
                return;
            poll->stop();
            poll->deleteLater();
            QTimer::singleShot(800, &window, [&window, pngPath] { grabAndQuit(window, pngPath); });
        });
        poll->start(100);
    };
    if (window.jobs()->runtimeInfo())
        shoot();
    else
        QObject::connect(window.jobs(), &JobController::backendReady, &window, shoot, Qt::SingleShotConnection);
}

} // namespace rlrf::ui
