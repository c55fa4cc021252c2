// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/thread_choice.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace rlrf {
namespace {

std::string firstStatLine()
{
    std::ifstream stat("/proc/stat");
    std::string line;
    std::getline(stat, line);
    return line;
}

// "cpu  user nice system idle iowait irq softirq steal ..." -> the numbers.
std::vector<double> fields(const std::string &line)
{
    std::istringstream in(line);
    std::string name;
    in >> name;
    std::vector<double> out;
    if (name != "cpu")
        return out;
    double v = 0;
    while (in >> v)
        out.push_back(v);
    return out;
}

} // namespace

double idleCoresBetween(const std::string &before, const std::string &after, int cores)
{
    const auto a = fields(before), b = fields(after);
    if (a.size() < 5 || b.size() < 5 || cores < 1)
        return -1.0;
    double total = 0, idle = 0;
    // Guest time (fields 9 and 10) is already counted in user and nice.
    for (std::size_t i = 0; i < std::min<std::size_t>({a.size(), b.size(), 8}); ++i)
        total += b[i] - a[i];
    idle = (b[3] - a[3]) + (b[4] - a[4]);
    if (total <= 0)
        return -1.0;
    return std::clamp(idle / total, 0.0, 1.0) * cores;
}

int usableCores()
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0)
        return std::max(1, CPU_COUNT(&set));
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

namespace {
std::atomic<int> g_sideBySideJobs{0};
}

int sideBySideJobs() { return g_sideBySideJobs.load(); }

void setSideBySideJobs(int jobs) { g_sideBySideJobs.store(std::max(0, jobs)); }

ThreadChoice chooseThreads(int requested, std::chrono::milliseconds window)
{
    ThreadChoice choice;
    choice.cores = usableCores();
    choice.sideBySideJobs = choice.cores;
    if (requested > 0) {
        choice.threads = choice.sideBySideJobs = requested;
        choice.reason = "as asked";
        return choice;
    }
    if (const char *env = std::getenv("RLRF_THREADS"); env && std::atoi(env) > 0) {
        choice.threads = choice.sideBySideJobs = std::atoi(env);
        choice.reason = "from RLRF_THREADS";
        return choice;
    }
    choice.threads = choice.cores;
    choice.reason = "all cores";
    if (choice.cores == 1)
        return choice;
    // /proc/stat counts every core of the machine; the affinity mask may allow
    // fewer, so the idle share is scaled to the cores this process may use.
    const std::string before = firstStatLine();
    std::this_thread::sleep_for(window);
    const double idle = idleCoresBetween(before, firstStatLine(), choice.cores);
    if (idle < 0)
        return choice;
    choice.idleCores = idle;
    choice.threads = std::clamp(static_cast<int>(std::lround(idle)), 1, choice.cores);
    std::ostringstream reason;
    reason.precision(2);
    reason << "the cores idle at start (" << idle << " of " << choice.cores << "; RLRF_THREADS=N sets it)";
    choice.reason = reason.str();
    return choice;
}

} // namespace rlrf
