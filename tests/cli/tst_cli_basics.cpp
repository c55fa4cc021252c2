// The CLI's global contract: --version, --help, and usage errors with exit code 2.
#include "common/cli_runner.h"

#include <QThread>
#include <QtTest/QtTest>

using rlrf::test::runCli;

class TestCliBasics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void versionReportsRuntime()
    {
        // The thread count is the core count unless RLRF_THREADS says otherwise;
        // the test runs must not depend on how the caller set it.
        const QByteArray callerThreads = qgetenv("RLRF_THREADS");
        qunsetenv("RLRF_THREADS");
        const auto r = runCli({QStringLiteral("--version")});
        qputenv("RLRF_THREADS", "1");
        const auto one = runCli({QStringLiteral("--version")});
        if (callerThreads.isNull())
            qunsetenv("RLRF_THREADS");
        else
            qputenv("RLRF_THREADS", callerThreads);
        QVERIFY2(QString::fromUtf8(one.out).contains(QStringLiteral("Threads: 1 ")), one.out.constData());
        QVERIFY(r.finished);
        QCOMPARE(r.exitCode, 0);
        const QString out = QString::fromUtf8(r.out);
        QVERIFY2(out.startsWith(QStringLiteral("rlrf 0.")), qPrintable(out));
        QVERIFY(out.contains(QRegularExpression(QStringLiteral("LibTorch: [12]\\.\\d+"))));
        QVERIFY(out.contains(QStringLiteral("BLAS: OpenBLAS")));
        // Without RLRF_THREADS, LibTorch's thread count is the number of cores.
        QVERIFY2(out.contains(QStringLiteral("Threads: %1 ").arg(QThread::idealThreadCount())), qPrintable(out));
        QVERIFY(out.contains(QRegularExpression(QStringLiteral("CUDA: (not available|available)"))));
    }

    void helpListsCommands()
    {
        const auto r = runCli({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        const QString out = QString::fromUtf8(r.out);
        QVERIFY(out.contains(QStringLiteral("usage: rlrf")));
        QVERIFY(out.contains(QStringLiteral("commands:")));
        QVERIFY(out.contains(QStringLiteral("--version")));
    }

    void noArgumentsIsAUsageError()
    {
        const auto r = runCli({});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("usage: rlrf"));
    }

    void unknownCommandIsAUsageError()
    {
        const auto r = runCli({QStringLiteral("frobnicate")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("unknown command 'frobnicate'"));
    }
};

QTEST_GUILESS_MAIN(TestCliBasics)
#include "tst_cli_basics.moc"
