// SPDX-License-Identifier: GPL-3.0-or-later
// An exclusive claim on one run of a project, held by the process that runs it:
// an flock()ed file <project stem>.runs/.locks/run-<id>.lock holding the
// holder's process id. The kernel drops the lock when the process ends, however
// it ends (SIGKILL included), so:
//   - a second process that tries to run the same run is refused with a message
//     naming the holder, instead of two writers interleaving one run's rows;
//   - a run whose row says "running" while nobody holds its lock was killed,
//     and can be resumed at once (no time-out guess).
// POSIX only (Linux, macOS): the workbench's platforms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rlrf::store {

class RunLock {
public:
    /// The lock, or none when another process (or another claim in this one)
    /// holds it. Throws rlrf::Error when the lock file cannot be made.
    static std::optional<RunLock> tryAcquire(const std::string &projectPath, std::int64_t runId);
    /// The lock, or rlrf::Error "run N is being run by another process (pid P)".
    static RunLock acquire(const std::string &projectPath, std::int64_t runId);
    /// Whether a process (this one included) holds the run's lock now.
    static bool isHeld(const std::string &projectPath, std::int64_t runId);
    /// The lock file of a run (it may not exist).
    static std::string path(const std::string &projectPath, std::int64_t runId);

    RunLock(RunLock &&other) noexcept;
    RunLock &operator=(RunLock &&other) noexcept;
    RunLock(const RunLock &) = delete;
    RunLock &operator=(const RunLock &) = delete;
    ~RunLock();

private:
    explicit RunLock(int fd) : m_fd(fd) {}
    int m_fd = -1;
};

} // namespace rlrf::store
