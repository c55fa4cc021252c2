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
        const auto r = runCli({QStringLiteral("--version")});
        QVERIFY(r.finished);
        QCOMPARE(r.exitCode, 0);
        const QString out = QString::fromUtf8(r.out);
        QVERIFY2(out.startsWith(QStringLiteral("rlrf 0.")), qPrintable(out));
        QVERIFY(out.contains(QRegularExpression(QStringLiteral("LibTorch: [12]\\.\\d+"))));
        QVERIFY(out.contains(QStringLiteral("BLAS: OpenBLAS")));
        // LibTorch's thread count is set to the number of cores at start.
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
