#include "common/cli_runner.h"

#include "common/test_paths.h"

#include <QProcess>

namespace rlrf::test {

CliResult runCli(const QStringList &args, const QByteArray &stdinData, int timeoutMs)
{
    QProcess process;
    process.start(cliPath(), args);
    CliResult result;
    if (!process.waitForStarted(30000))
        return result;
    if (!stdinData.isEmpty())
        process.write(stdinData);
    process.closeWriteChannel();
    result.finished = process.waitForFinished(timeoutMs);
    if (!result.finished)
        process.kill();
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

} // namespace rlrf::test
