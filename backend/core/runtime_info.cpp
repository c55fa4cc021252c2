#include "core/runtime_info.h"

#include "core/thread_choice.h"
#include "core/version.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <spdlog/spdlog.h>
#include <spdlog/version.h>
#include <sqlite3.h>

#include <fstream>
#include <sstream>
#include <cstdlib>
#include <thread>

namespace rlrf {
namespace {

// The BLAS that matters is the one the dynamic linker actually mapped: Debian's
// libtorch links libblas.so.3, which the alternatives system points at OpenBLAS or
// at the 7-10x slower reference implementation.
std::string mappedBlasPath()
{
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        const auto slash = line.find('/');
        if (slash == std::string::npos)
            continue;
        const std::string path = line.substr(slash);
        const auto base = path.substr(path.find_last_of('/') + 1);
        if (base.find("blas") != std::string::npos || base.find("mkl_") != std::string::npos
            || base.find("libblis") != std::string::npos)
            return path;
    }
    return {};
}

std::string describeBlas(const std::string &path, bool &isReference)
{
    isReference = false;
    if (path.find("openblas") != std::string::npos) {
        std::string flavour;
        if (path.find("openmp") != std::string::npos)
            flavour = " (OpenMP)";
        else if (path.find("pthread") != std::string::npos)
            flavour = " (pthreads)";
        else if (path.find("serial") != std::string::npos)
            flavour = " (serial)";
        return "OpenBLAS" + flavour + ", " + path;
    }
    if (path.find("mkl") != std::string::npos)
        return "Intel MKL, " + path;
    if (path.find("blis") != std::string::npos)
        return "BLIS, " + path;
    if (!path.empty()) {
        isReference = true;
        return "reference BLAS (slow; install libopenblas0-openmp), " + path;
    }
    // Nothing mapped: LibTorch carries its BLAS inside (pip wheels link MKL statically).
    const std::string config = at::show_config();
    const auto pos = config.find("BLAS_INFO=");
    if (pos != std::string::npos) {
        const auto end = config.find_first_of(",\n", pos);
        return "built in (" + config.substr(pos, end - pos) + ")";
    }
    return "unknown";
}

} // namespace

namespace {
std::string g_threadsReason = "LibTorch's default";
}

void initTorchRuntime(int threads)
{
    // Unless asked (the argument or RLRF_THREADS), LibTorch gets the cores other
    // programs leave idle: spinning OpenMP threads that lose their core to another
    // process make every step many times slower (bench/threads_under_load.sh).
    const auto choice = chooseThreads(threads);
    torch::set_num_threads(choice.threads);
    setSideBySideJobs(choice.sideBySideJobs);
    g_threadsReason = choice.reason;
    spdlog::debug("threads: {} ({})", choice.threads, choice.reason);
}

RuntimeInfo runtimeInfo()
{
    RuntimeInfo info;
    info.appVersion = appVersion();
    info.torchVersion = TORCH_VERSION;
    // Touch a BLAS-backed op so a lazily loaded BLAS is mapped before we look.
    (void)torch::mm(torch::ones({2, 2}), torch::ones({2, 2}));
    info.blas = describeBlas(mappedBlasPath(), info.blasIsReference);
    info.threads = torch::get_num_threads();
    info.threadsReason = g_threadsReason;
    info.interopThreads = torch::get_num_interop_threads();
    info.cudaAvailable = torch::cuda::is_available();
    info.cudaDevices = info.cudaAvailable ? static_cast<int>(torch::cuda::device_count()) : 0;
    info.sqliteVersion = sqlite3_libversion();
    info.spdlogVersion = std::to_string(SPDLOG_VER_MAJOR) + "." + std::to_string(SPDLOG_VER_MINOR)
        + "." + std::to_string(SPDLOG_VER_PATCH);
    return info;
}

std::string formatRuntimeInfo(const RuntimeInfo &info)
{
    std::ostringstream out;
    out << "rlrf " << info.appVersion << "\n"
        << "LibTorch: " << info.torchVersion << "\n"
        << "BLAS: " << info.blas << "\n"
        << "Threads: " << info.threads << " (inter-op " << info.interopThreads << "; " << info.threadsReason << ")\n"
        << "CUDA: " << (info.cudaAvailable ? "available, " + std::to_string(info.cudaDevices) + " device(s)" : std::string("not available")) << "\n"
        << "SQLite: " << info.sqliteVersion << "\n"
        << "spdlog: " << info.spdlogVersion << "\n";
    return out.str();
}

} // namespace rlrf
