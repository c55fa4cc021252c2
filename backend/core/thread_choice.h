// SPDX-License-Identifier: GPL-3.0-or-later
// How many threads LibTorch gets when nobody says: the cores other programs
// leave idle when the process starts. On a machine others keep busy, OpenMP
// threads that share a core with another program wait for each other at every
// parallel region, and all cores can be many times slower than one
// (bench/threads_under_load.sh measures it). Torch-free.
#pragma once

#include <chrono>
#include <string>

namespace rlrf {

struct ThreadChoice {
    int threads = 1;
    int cores = 1;           // the cores this process may run on
    double idleCores = -1.0; // measured at start; negative when not measured
    std::string reason;      // in words, for the log and `rlrf --version`
    // Independent one-thread jobs side by side (whole generation batches,
    // training shards): the threads asked for, else every usable core. Such jobs
    // never wait for each other inside an operation, so a busy machine only takes
    // its share of their time; under load two beat one (docs/performance.md).
    int sideBySideJobs = 1;
};

/// `requested` > 0 wins, then RLRF_THREADS, then the idle cores measured over
/// `window` (at least one thread, at most the cores).
ThreadChoice chooseThreads(int requested = 0, std::chrono::milliseconds window = std::chrono::milliseconds(60));

/// The jobs to run side by side, as the last initTorchRuntime() chose them;
/// 0 before any choice (callers then follow LibTorch's thread count).
int sideBySideJobs();
void setSideBySideJobs(int jobs);

/// Idle cores between two readings of /proc/stat's first ("cpu") line, given the
/// number of cores: idle and iowait time over all time. Negative when unreadable.
double idleCoresBetween(const std::string &before, const std::string &after, int cores);

/// The cores this process may run on (its CPU affinity), at least 1.
int usableCores();

} // namespace rlrf
