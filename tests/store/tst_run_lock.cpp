// SPDX-License-Identifier: GPL-3.0-or-later
// The claim a process holds on the run it runs (store/run_lock.h): a second
// claim on the same run is refused, with the holder's process id in the
// message; another run of the project is free; the claim ends with its holder,
// also when the holder is killed with SIGKILL, so a killed run is known as such.
#include "core/error.h"
#include "store/run_lock.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

using rlrf::store::RunLock;

class TestRunLock : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string project() const { return m_dir.filePath(QStringLiteral("p.rlrf")).toStdString(); }

private Q_SLOTS:
    void oneClaimPerRun()
    {
        QVERIFY(!RunLock::isHeld(project(), 1)); // no lock file yet
        {
            auto lock = RunLock::acquire(project(), 1);
            QVERIFY(RunLock::isHeld(project(), 1));
            QVERIFY(!RunLock::tryAcquire(project(), 1));
            QVERIFY(!RunLock::isHeld(project(), 2));
            auto other = RunLock::acquire(project(), 2); // another run is free
            try {
                RunLock::acquire(project(), 1);
                QFAIL("a second claim on run 1 was granted");
            } catch (const rlrf::Error &e) {
                const QString message = QString::fromUtf8(e.what());
                QVERIFY2(message.contains(QStringLiteral("run 1 is being run by another process (pid %1)")
                                              .arg(::getpid())),
                         e.what());
                QVERIFY2(message.contains(QStringLiteral("--new")), e.what());
            }
            auto moved = std::move(lock);
            QVERIFY(RunLock::isHeld(project(), 1));
        }
        QVERIFY(!RunLock::isHeld(project(), 1)); // released with its holder
        QVERIFY(RunLock::tryAcquire(project(), 1));
    }

    void aKilledHolderReleasesIt()
    {
        int ready[2];
        QCOMPARE(::pipe(ready), 0);
        const pid_t child = ::fork();
        if (child == 0) {
            ::close(ready[0]);
            auto lock = RunLock::tryAcquire(project(), 7);
            const char ok = lock ? '1' : '0';
            (void)!::write(ready[1], &ok, 1);
            ::pause(); // until SIGKILL: nothing of the child runs after it
            ::_exit(0);
        }
        ::close(ready[1]);
        char ok = 0;
        QCOMPARE(::read(ready[0], &ok, 1), ssize_t(1));
        ::close(ready[0]);
        QCOMPARE(ok, '1');
        QVERIFY(RunLock::isHeld(project(), 7));
        QVERIFY(!RunLock::tryAcquire(project(), 7));
        ::kill(child, SIGKILL);
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QVERIFY(WIFSIGNALED(status));
        QVERIFY(!RunLock::isHeld(project(), 7));
        QVERIFY(RunLock::tryAcquire(project(), 7));
    }
};

QTEST_GUILESS_MAIN(TestRunLock)
#include "tst_run_lock.moc"
