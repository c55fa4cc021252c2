// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/source_scan.h"

#include "common/test_paths.h"

#include <QDirIterator>
#include <QFile>

namespace rlrf::test {

void forEachSourceLine(const QString &folder,
                       const std::function<void(const QString &path, int lineNumber, const QString &line)> &visit)
{
    QDirIterator it(sourceDir() + QLatin1Char('/') + folder,
                    {QStringLiteral("*.h"), QStringLiteral("*.cpp"), QStringLiteral("*.hpp")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        int lineNo = 0;
        while (!f.atEnd())
            visit(path, ++lineNo, QString::fromUtf8(f.readLine()));
    }
}

} // namespace rlrf::test
