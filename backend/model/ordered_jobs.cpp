// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/ordered_jobs.h"

#include "core/thread_choice.h"
#include "model/inference_kernels.h"

#include <ATen/Parallel.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace rlrf::model {

namespace {

thread_local bool t_insideJob = false;

struct Slot {
    Job job;
    JobFinish finish;
    std::exception_ptr error;
    bool done = false;
};

// The threads and their queue. The destructor drops the jobs not yet started and
// waits for those under way (then the intra-op thread count of before comes
// back): it runs before any exception leaves runJobsInOrder, so no thread
// outlives what it refers to.
class Workers {
public:
    explicit Workers(std::size_t count)
        : m_differentiableOnly(DifferentiableOpsOnly::active())
    {
        try {
            for (std::size_t i = 0; i < count; ++i)
                m_threads.emplace_back([this] { work(); });
        } catch (...) { // no thread to be had: stop those that started
            close();
            throw;
        }
    }

    ~Workers() { close(); }

    void close()
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_closing = true;
            m_queue.clear();
        }
        m_wake.notify_all();
        for (auto &t : m_threads)
            if (t.joinable())
                t.join();
    }

    void push(const std::shared_ptr<Slot> &slot)
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_queue.push_back(slot);
        }
        m_wake.notify_one();
    }

    void waitFor(const Slot &slot)
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_done.wait(lock, [&slot] { return slot.done; });
    }

private:
    void work()
    {
        t_insideJob = true;
        at::set_num_threads(1); // already the process-wide count: sets this thread's own
        std::optional<DifferentiableOpsOnly> sameOps;
        if (m_differentiableOnly)
            sameOps.emplace();
        for (;;) {
            std::shared_ptr<Slot> slot;
            {
                std::unique_lock<std::mutex> lock(m_mutex);
                m_wake.wait(lock, [this] { return m_closing || !m_queue.empty(); });
                if (m_queue.empty())
                    return;
                slot = m_queue.front();
                m_queue.pop_front();
            }
            JobFinish finish;
            std::exception_ptr error;
            try {
                finish = slot->job();
            } catch (...) {
                error = std::current_exception();
            }
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                slot->finish = std::move(finish);
                slot->error = error;
                slot->job = nullptr; // what it captured goes now, not when the run ends
                slot->done = true;
            }
            m_done.notify_all();
        }
    }

    const SingleIntraOpThread m_oneThread; // before the threads start, after they end
    const bool m_differentiableOnly;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    std::deque<std::shared_ptr<Slot>> m_queue;
    bool m_closing = false;
    std::vector<std::thread> m_threads;
};

} // namespace

void runJobsInOrder(std::size_t workers, const NextJob &next)
{
    if (workers <= 1) {
        while (auto job = next())
            if (!(*job)()())
                return;
        return;
    }
    // Twice as many jobs made as threads: a thread that finished early starts the
    // next job while the oldest is still under way.
    const std::size_t ahead = 2 * workers;
    std::deque<std::shared_ptr<Slot>> order;
    Workers pool(workers);
    bool more = true;
    for (;;) {
        while (more && order.size() < ahead) {
            auto job = next();
            if (!job) {
                more = false;
                break;
            }
            auto slot = std::make_shared<Slot>();
            slot->job = std::move(*job);
            order.push_back(slot);
            pool.push(slot);
        }
        if (order.empty())
            return;
        const auto oldest = order.front();
        order.pop_front();
        pool.waitFor(*oldest);
        if (oldest->error)
            std::rethrow_exception(oldest->error);
        if (!oldest->finish())
            return;
    }
}

std::size_t concurrentBatches(const std::string &device)
{
    if (device.rfind("cpu", 0) != 0 || t_insideJob)
        return 1;
    // The process's choice (core/thread_choice.h): every usable core unless
    // asked otherwise, since side-by-side jobs do not stall each other under load.
    const int chosen = sideBySideJobs();
    return static_cast<std::size_t>(std::max(1, chosen > 0 ? chosen : at::get_num_threads()));
}

SingleIntraOpThread::SingleIntraOpThread()
    : m_saved(at::get_num_threads())
{
    if (m_saved != 1)
        at::set_num_threads(1);
}

SingleIntraOpThread::~SingleIntraOpThread()
{
    if (m_saved != 1)
        at::set_num_threads(m_saved);
}

} // namespace rlrf::model
