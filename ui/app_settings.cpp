#include "app_settings.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QMainWindow>
#include <QSettings>

namespace rlrf::ui {
namespace {
const auto kRecentKey = QStringLiteral("projects/recent");
const auto kGeometryKey = QStringLiteral("window/geometry");
const auto kStateKey = QStringLiteral("window/state");
const auto kStartedKey = QStringLiteral("app/started");
} // namespace

bool AppSettings::takeFirstStart()
{
    QSettings settings;
    const bool first = !settings.value(kStartedKey, false).toBool();
    settings.setValue(kStartedKey, true);
    return first;
}

QString AppSettings::demoProject()
{
    const QDir bin(QCoreApplication::applicationDirPath());
    for (const QString &candidate : {bin.filePath(QStringLiteral("../demo/demo.rlrf")),
                                     bin.filePath(QStringLiteral("../share/rlrf-workbench/demo/demo.rlrf"))})
        if (QFileInfo::exists(candidate))
            return QFileInfo(candidate).absoluteFilePath();
    return {};
}

QStringList AppSettings::recentProjects()
{
    return QSettings().value(kRecentKey).toStringList();
}

void AppSettings::addRecentProject(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList list = recentProjects();
    list.removeAll(absolute);
    list.prepend(absolute);
    while (list.size() > kMaxRecentProjects)
        list.removeLast();
    QSettings().setValue(kRecentKey, list);
}

void AppSettings::removeRecentProject(const QString &path)
{
    QStringList list = recentProjects();
    list.removeAll(path);
    QSettings().setValue(kRecentKey, list);
}

void AppSettings::saveWindow(const QMainWindow &window)
{
    QSettings settings;
    settings.setValue(kGeometryKey, window.saveGeometry());
    settings.setValue(kStateKey, window.saveState());
}

void AppSettings::restoreWindow(QMainWindow &window)
{
    QSettings settings;
    window.restoreGeometry(settings.value(kGeometryKey).toByteArray());
    window.restoreState(settings.value(kStateKey).toByteArray());
}

} // namespace rlrf::ui
