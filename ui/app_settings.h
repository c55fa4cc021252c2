// QSettings behind one small API: recent projects, window geometry and state.
#pragma once

#include <QStringList>

class QMainWindow;

namespace rlrf::ui {

class AppSettings {
public:
    static constexpr int kMaxRecentProjects = 10;

    static QStringList recentProjects();
    static void addRecentProject(const QString &path); // most recent first, no duplicates
    static void removeRecentProject(const QString &path);

    static void saveWindow(const QMainWindow &window);
    static void restoreWindow(QMainWindow &window);
};

} // namespace rlrf::ui
