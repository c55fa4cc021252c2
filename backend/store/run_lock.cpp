// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/run_lock.h"

#include "core/error.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;

namespace rlrf::store {
namespace {

std::string readHolder(int fd)
{
    char buffer[32] = {};
    const auto n = ::pread(fd, buffer, sizeof buffer - 1, 0);
    std::string text = n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    return text;
}

} // namespace

std::string RunLock::path(const std::string &projectPath, std::int64_t runId)
{
    const fs::path file = fs::absolute(projectPath);
    return (file.parent_path() / (file.stem().string() + ".runs") / ".locks" / ("run-" + std::to_string(runId) + ".lock"))
        .string();
}

std::optional<RunLock> RunLock::tryAcquire(const std::string &projectPath, std::int64_t runId)
{
    const auto file = path(projectPath, runId);
    std::error_code error;
    fs::create_directories(fs::path(file).parent_path(), error);
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        throw Error(std::string("cannot make the run's lock file: ") + std::strerror(errno), {file});
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd);
        return std::nullopt;
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
        // The id is only for the message of a refused second writer: the lock holds without it.
    }
    return RunLock(fd);
}

RunLock RunLock::acquire(const std::string &projectPath, std::int64_t runId)
{
    if (auto lock = tryAcquire(projectPath, runId))
        return std::move(*lock);
    std::string holder;
    const int fd = ::open(path(projectPath, runId).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        holder = readHolder(fd);
        ::close(fd);
    }
    throw Error("run " + std::to_string(runId) + " is being run by another process"
                    + (holder.empty() ? std::string() : " (pid " + holder + ")")
                    + "; wait for it to end, stop it, or start another run with --new",
                {projectPath, 0, "runs"});
}

bool RunLock::isHeld(const std::string &projectPath, std::int64_t runId)
{
    const int fd = ::open(path(projectPath, runId).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    // flock() locks belong to an open file: this descriptor conflicts with a
    // claim held through another, in this process as in any other.
    const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd);
    return held;
}

RunLock::RunLock(RunLock &&other) noexcept : m_fd(other.m_fd)
{
    other.m_fd = -1;
}

RunLock &RunLock::operator=(RunLock &&other) noexcept
{
    if (this != &other) {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = other.m_fd;
        other.m_fd = -1;
    }
    return *this;
}

RunLock::~RunLock()
{
    if (m_fd >= 0)
        ::close(m_fd); // closing the last descriptor releases the lock
}

} // namespace rlrf::store
