// What the process runs on: library versions, the BLAS actually loaded, threads,
// CUDA. Torch-free header so the GUI's About dialog and the CLI can use it.
#pragma once

#include <string>

namespace rlrf {

struct RuntimeInfo {
    std::string appVersion;
    std::string torchVersion;
    std::string blas;          // the BLAS library mapped into this process, in words
    bool blasIsReference = false; // the slow reference BLAS: warn the user
    int threads = 0;           // LibTorch intra-op threads
    std::string threadsReason; // why that many (asked, RLRF_THREADS, the idle cores)
    int interopThreads = 0;
    bool cudaAvailable = false;
    int cudaDevices = 0;
    std::string sqliteVersion;
    std::string spdlogVersion;
};

// Sets LibTorch's intra-op thread count: `threads` when above 0, else
// RLRF_THREADS, else the cores idle at start (core/thread_choice.h). Call once at
// start-up, before any tensor work, from the thread that will run the backend.
void initTorchRuntime(int threads = 0);

RuntimeInfo runtimeInfo();

// Multi-line human summary, as `rlrf --version` prints it.
std::string formatRuntimeInfo(const RuntimeInfo &info);

} // namespace rlrf
