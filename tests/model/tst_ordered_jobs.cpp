// SPDX-License-Identifier: GPL-3.0-or-later
// Jobs side by side (model/ordered_jobs.h): their results are handed back in the
// order the jobs were made whatever order they finish in, they run on several
// threads with one intra-op thread each, a job's exception reaches the caller
// after the others stopped, a finish that says stop ends the run, and the
// caller's intra-op thread count comes back.
#include <torch/torch.h>

#include "core/thread_choice.h"
#include "model/ordered_jobs.h"

#include <QtTest/QtTest>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

using namespace rlrf::model;

namespace {

// Jobs 0..count-1; job i sleeps so that later jobs tend to finish first.
NextJob sleepingJobs(int count, std::vector<int> &finished, std::set<std::thread::id> *threads = nullptr,
                     std::mutex *threadsMutex = nullptr)
{
    auto next = std::make_shared<int>(0);
    return [=, &finished]() -> std::optional<Job> {
        if (*next >= count)
            return std::nullopt;
        const int i = (*next)++;
        return Job([=, &finished]() -> JobFinish {
            std::this_thread::sleep_for(std::chrono::milliseconds(5 * ((count - i) % 4)));
            if (threads) {
                std::lock_guard<std::mutex> lock(*threadsMutex);
                threads->insert(std::this_thread::get_id());
            }
            return [i, &finished] {
                finished.push_back(i);
                return true;
            };
        });
    };
}

} // namespace

class TestOrderedJobs : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void finishesInTheOrderTheJobsWereMade()
    {
        for (const std::size_t workers : {1u, 2u, 3u}) {
            std::vector<int> finished;
            runJobsInOrder(workers, sleepingJobs(9, finished));
            QCOMPARE(finished, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8}));
        }
    }

    void runsOnSeveralThreadsWithOneIntraOpThreadEach()
    {
        at::set_num_threads(2);
        std::set<std::thread::id> threads;
        std::mutex mutex;
        std::vector<int> finished;
        runJobsInOrder(2, sleepingJobs(8, finished, &threads, &mutex));
        QCOMPARE(threads.size(), std::size_t(2));
        QVERIFY(!threads.count(std::this_thread::get_id()));

        std::atomic<int> inside{0}, batchesInside{0};
        bool made = false;
        runJobsInOrder(2, [&]() -> std::optional<Job> {
            if (made)
                return std::nullopt;
            made = true;
            return Job([&]() -> JobFinish {
                inside = at::get_num_threads();
                batchesInside = static_cast<int>(concurrentBatches("cpu"));
                return [] { return true; };
            });
        });
        QCOMPARE(inside.load(), 1);
        QCOMPARE(batchesInside.load(), 1); // a job does not start jobs of its own
        QCOMPARE(at::get_num_threads(), 2); // the caller's count came back
        QCOMPARE(concurrentBatches("cpu"), std::size_t(2));
        QCOMPARE(concurrentBatches("cuda:0"), std::size_t(1));
        // Once the process chose its side-by-side jobs, they count, not
        // LibTorch's intra-op threads (one under load).
        rlrf::setSideBySideJobs(2);
        at::set_num_threads(1);
        QCOMPARE(concurrentBatches("cpu"), std::size_t(2));
        rlrf::setSideBySideJobs(0);
        QCOMPARE(concurrentBatches("cpu"), std::size_t(1));
        at::set_num_threads(2);
    }

    void aJobsExceptionReachesTheCallerInItsTurn()
    {
        for (const std::size_t workers : {1u, 2u}) {
            std::vector<int> finished;
            int made = 0;
            bool threw = false;
            try {
                runJobsInOrder(workers, [&]() -> std::optional<Job> {
                    if (made >= 6)
                        return std::nullopt;
                    const int i = made++;
                    return Job([i, &finished]() -> JobFinish {
                        if (i == 2)
                            throw std::runtime_error("job 2 failed");
                        return [i, &finished] {
                            finished.push_back(i);
                            return true;
                        };
                    });
                });
            } catch (const std::runtime_error &e) {
                threw = QString::fromUtf8(e.what()) == QStringLiteral("job 2 failed");
            }
            QVERIFY(threw);
            QCOMPARE(finished, (std::vector<int>{0, 1})); // nothing after the failed job is handed back
        }
    }

    void aFinishThatSaysStopEndsTheRun()
    {
        std::vector<int> finished;
        int made = 0;
        runJobsInOrder(2, [&]() -> std::optional<Job> {
            if (made >= 100)
                return std::nullopt;
            const int i = made++;
            return Job([i, &finished]() -> JobFinish {
                return [i, &finished] {
                    finished.push_back(i);
                    return i < 3;
                };
            });
        });
        QCOMPARE(finished, (std::vector<int>{0, 1, 2, 3}));
        QVERIFY(made < 100); // no more jobs were made once it stopped
    }

    void singleIntraOpThreadGivesTheCountBack()
    {
        at::set_num_threads(2);
        {
            SingleIntraOpThread one;
            QCOMPARE(at::get_num_threads(), 1);
        }
        QCOMPARE(at::get_num_threads(), 2);
    }
};

QTEST_GUILESS_MAIN(TestOrderedJobs)
#include "tst_ordered_jobs.moc"
