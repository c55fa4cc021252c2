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

    /// True on the very first start of the workbench (and never again after).
    static bool takeFirstStart();
    /// The demo project shipped beside the program (build/demo/demo.rlrf in a
    /// build tree, share/rlrf-workbench/demo/demo.rlrf installed); empty if none.
    static QString demoProject();

    static void saveWindow(const QMainWindow &window);
    static void restoreWindow(QMainWindow &window);
};

} // namespace rlrf::ui
