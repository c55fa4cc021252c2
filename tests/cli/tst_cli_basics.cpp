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
        // The thread count is the cores idle at start unless RLRF_THREADS says
        // otherwise; the test runs must not depend on how the caller set it.
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
        // Without RLRF_THREADS, LibTorch gets the cores idle at start (1 to all),
        // and says so.
        const auto threads = QRegularExpression(QStringLiteral("Threads: (\\d+) \\(inter-op \\d+; ([^)]*)")).match(out);
        QVERIFY2(threads.hasMatch(), qPrintable(out));
        QVERIFY(threads.captured(1).toInt() >= 1 && threads.captured(1).toInt() <= QThread::idealThreadCount());
        QVERIFY2(QThread::idealThreadCount() == 1 || threads.captured(2).contains(QStringLiteral("idle at start")),
                 qPrintable(out));
        QVERIFY2(QString::fromUtf8(one.out).contains(QStringLiteral("from RLRF_THREADS")), one.out.constData());
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

    // Mistakes in the options themselves, caught before the command runs: exit 2,
    // the message naming the option, the command's usage, nothing on stdout.
    void optionMistakesAreUsageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QStringList sample{QStringLiteral("task"), QStringLiteral("sample"), QStringLiteral("--task"),
                                 QStringLiteral("arith"), QStringLiteral("--split"), QStringLiteral("test")};
        QTest::newRow("unknown option") << sample + QStringList{QStringLiteral("--n"), QStringLiteral("1"), QStringLiteral("--colour"), QStringLiteral("red")}
                                        << QStringLiteral("rlrf task sample: unknown option --colour");
        QTest::newRow("flag given a value") << QStringList{QStringLiteral("status"), QStringLiteral("p.rlrf"), QStringLiteral("--json=yes")}
                                            << QStringLiteral("rlrf status: --json takes no value");
        QTest::newRow("option without its value") << sample + QStringList{QStringLiteral("--n")}
                                                  << QStringLiteral("rlrf task sample: --n needs a value (N)");
        QTest::newRow("option twice") << sample + QStringList{QStringLiteral("--n"), QStringLiteral("1"), QStringLiteral("--split"), QStringLiteral("train")}
                                      << QStringLiteral("rlrf task sample: --split given more than once");
        QTest::newRow("not a whole number") << sample + QStringList{QStringLiteral("--n"), QStringLiteral("many")}
                                            << QStringLiteral("rlrf task sample: --n expects a whole number, got 'many'");
        QTest::newRow("number with a tail") << sample + QStringList{QStringLiteral("--n=3x")}
                                            << QStringLiteral("rlrf task sample: --n expects a whole number, got '3x'");
        QTest::newRow("number out of range") << sample + QStringList{QStringLiteral("--n"), QStringLiteral("99999999999999999999")}
                                             << QStringLiteral("rlrf task sample: --n expects a whole number, got '99999999999999999999'");
    }

    void optionMistakesAreUsageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const auto r = runCli(args);
        QCOMPARE(r.exitCode, 2);
        const QString err = QString::fromUtf8(r.err);
        QVERIFY2(err.startsWith(message + QLatin1Char('\n')), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("\nusage: rlrf ")), qPrintable(err));
        QVERIFY2(r.out.isEmpty(), r.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliBasics)
#include "tst_cli_basics.moc"
