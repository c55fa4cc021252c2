// SPDX-License-Identifier: GPL-3.0-or-later
// Runs independent batches side by side, one thread each, and hands their results
// back in the order the batches were made. A small model's operations are too
// small to split across cores: with several intra-op threads per operation the
// threads spend a third of their time waiting for each other at the end of each
// one. Whole batches on separate threads, each computing with one intra-op thread,
// never wait for each other. A batch computes exactly what it computed alone, so
// the results do not depend on the number of threads.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace rlrf::model {

/// Runs on the calling thread, in the order the jobs were made; false stops the
/// run (jobs not yet started are dropped, jobs under way finish and are dropped).
using JobFinish = std::function<bool()>;
/// Runs on any thread: it may touch only a model (without changing it) and what
/// it captured.
using Job = std::function<JobFinish()>;
/// Called on the calling thread for the next job; empty when there are no more.
using NextJob = std::function<std::optional<Job>()>;

/// Runs the jobs that `next` makes on `workers` threads (the calling thread alone
/// when `workers` <= 1). An exception thrown by a job is rethrown on the calling
/// thread when that job's turn to finish comes, after the other threads stopped.
void runJobsInOrder(std::size_t workers, const NextJob &next);

/// How many batches of generation to run side by side on a model on `device`:
/// on a CPU the process's side-by-side job count (core/thread_choice.h; LibTorch's
/// thread count before any choice), one elsewhere (a GPU runs one batch best)
/// and inside a job (its thread already is one of the side-by-side ones).
std::size_t concurrentBatches(const std::string &device);

/// One intra-op thread for LibTorch while it lives (the count before comes back
/// after). Work that runs jobs side by side holds it for as long as it does:
/// OpenMP threads of the calling thread that spin between its own operations
/// would take the cores from the jobs, and wait for each other when they lose them.
class SingleIntraOpThread {
public:
    SingleIntraOpThread();
    ~SingleIntraOpThread();
    SingleIntraOpThread(const SingleIntraOpThread &) = delete;
    SingleIntraOpThread &operator=(const SingleIntraOpThread &) = delete;

private:
    int m_saved;
};

} // namespace rlrf::model
