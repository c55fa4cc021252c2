// SPDX-License-Identifier: GPL-3.0-or-later
// The backend job runner: jobs run off the GUI thread, report progress and metrics
// as signals on it, turn exceptions into failures and stop when cancelled.
#include "worker/job_controller.h"

#include <QSignalSpy>
#include <QTest>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

using namespace rlrf;
using namespace rlrf::ui;

class TestJobController : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void runsOffTheGuiThreadWithProgressAndMetrics()
    {
        JobController jobs;
        QSignalSpy progress(&jobs, &JobController::jobProgress);
        QSignalSpy metrics(&jobs, &JobController::jobMetric);
        QSignalSpy finished(&jobs, &JobController::jobFinished);
        std::atomic<bool> onGuiThread{true};
        QThread *gui = QThread::currentThread();
        const int id = jobs.start(QStringLiteral("count"), [&](const RunContext &ctx) {
            onGuiThread = QThread::currentThread() == gui;
            for (int i = 1; i <= 4; ++i) {
                ctx.progress(i, 4, "count");
                ctx.metric(i, "loss", 1.0 / i);
            }
            return JobResult{Outcome::Succeeded, QStringLiteral("done")};
        });
        QVERIFY(jobs.isBusy());
        QVERIFY(finished.wait(10000));
        QVERIFY(!onGuiThread);
        QCOMPARE(finished.at(0).at(0).toInt(), id);
        QCOMPARE(finished.at(0).at(1).value<Outcome>(), Outcome::Succeeded);
        QCOMPARE(finished.at(0).at(2).toString(), QStringLiteral("done"));
        QCOMPARE(progress.size(), 4);
        QCOMPARE(progress.last().at(1).toLongLong(), 4);
        QCOMPARE(progress.last().at(3).toString(), QStringLiteral("count"));
        QCOMPARE(progress.last().at(4).toDouble(), 0.0); // all done: nothing left
        QCOMPARE(metrics.size(), 4);
        QCOMPARE(metrics.at(1).at(2).toString(), QStringLiteral("loss"));
        QCOMPARE(metrics.at(1).at(3).toDouble(), 0.5);
        QVERIFY(!jobs.isBusy());
    }

    void anExceptionBecomesAFailureWithItsMessage()
    {
        JobController jobs;
        QSignalSpy finished(&jobs, &JobController::jobFinished);
        jobs.start(QStringLiteral("broken"), [](const RunContext &) -> JobResult {
            throw std::runtime_error("model.safetensors: tensor 'x' is truncated");
        });
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.at(0).at(1).value<Outcome>(), Outcome::Failed);
        QVERIFY(finished.at(0).at(2).toString().contains(QStringLiteral("truncated")));
    }

    void cancelStopsARunningJob()
    {
        JobController jobs;
        QSignalSpy progress(&jobs, &JobController::jobProgress);
        QSignalSpy finished(&jobs, &JobController::jobFinished);
        const int id = jobs.start(QStringLiteral("endless"), [](const RunContext &ctx) {
            for (long i = 0; !ctx.stopRequested(); ++i) {
                ctx.progress(i, 0, "spin");
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
            return JobResult{Outcome::Cancelled, QStringLiteral("stopped")};
        });
        QVERIFY(progress.wait(10000));
        jobs.cancel(id);
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.at(0).at(1).value<Outcome>(), Outcome::Cancelled);
    }
};

QTEST_GUILESS_MAIN(TestJobController)
#include "tst_job_controller.moc"
