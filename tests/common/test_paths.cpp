#include "common/test_paths.h"

#include <QDir>
#include <QFileInfo>

namespace rlrf::test {

QString sourceDir()
{
    return QStringLiteral(RLRF_SOURCE_DIR);
}

QString cliPath()
{
    return QStringLiteral(RLRF_CLI_PATH);
}

QString sharedDataDir()
{
    const QByteArray env = qgetenv("RLRF_SHARED_DATA_DIR");
    return QDir::cleanPath(env.isEmpty() ? QStringLiteral(RLRF_SHARED_DATA_DIR) : QString::fromLocal8Bit(env));
}

QString sharedData(const QString &relative)
{
    const QString path = sharedDataDir() + QLatin1Char('/') + relative;
    return QFileInfo::exists(path) ? path : QString();
}

} // namespace rlrf::test
