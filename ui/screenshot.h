// Documentation screenshots of the real window (under Xvfb in CI-like settings).
#pragma once

#include <QString>

namespace rlrf::ui {

class MainWindow;

// Once the backend reports ready and the window has painted, grabs the window from
// the screen, writes a PNG and quits the application (exit code 1 if writing fails).
void saveScreenshotWhenReady(MainWindow &window, const QString &pngPath);

} // namespace rlrf::ui
