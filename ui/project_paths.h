// SPDX-License-Identifier: GPL-3.0-or-later
// Paths a project file names, as the views use them: a relative model folder is
// relative to the project file's own folder, not to wherever the app was started.
#pragma once

#include "string_convert.h"

#include <QDir>
#include <QFileInfo>

namespace rlrf::ui {

inline QString projectModelFolder(const QString &projectPath, const std::string &modelDir)
{
    const QString folder = toQString(modelDir);
    if (folder.isEmpty() || QFileInfo(folder).isAbsolute())
        return folder;
    return QDir::cleanPath(QFileInfo(projectPath).absoluteDir().filePath(folder));
}

} // namespace rlrf::ui
