// Runs the built `rlrf` as a child process, exactly as users and scripts do.
#pragma once

#include <QByteArray>
#include <QStringList>

namespace rlrf::test {

struct CliResult {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    bool finished = false;
};

CliResult runCli(const QStringList &args, const QByteArray &stdinData = {}, int timeoutMs = 600000);

} // namespace rlrf::test
