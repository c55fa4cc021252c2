#include "worker/backend_worker.h"

#include "core/logging.h"

namespace rlrf::ui {

void BackendWorker::initialise()
{
    rlrf::initTorchRuntime();
    const RuntimeInfo info = rlrf::runtimeInfo();
    auto log = rlrf::log::get("workbench");
    log->info("backend ready: LibTorch {}, {} threads, BLAS: {}", info.torchVersion, info.threads, info.blas);
    if (info.blasIsReference)
        log->warn("LibTorch uses the reference BLAS: matrix products run 7-10x slower; install libopenblas0-openmp");
    Q_EMIT initialised(info);
}

} // namespace rlrf::ui
