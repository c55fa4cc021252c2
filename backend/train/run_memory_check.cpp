// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/run_memory_check.h"

#include "model/adapter_folder.h"
#include "model/model_config.h"
#include "train/available_memory.h"

#include <filesystem>

namespace rlrf::train {

MemoryPlanInput planInputFor(const RunMemoryRequest &r)
{
    namespace fs = std::filesystem;
    std::string configFolder = r.modelFolder;
    LoraSettings lora = r.lora;
    if (model::isAdapterFolder(r.modelFolder)) {
        const auto own = model::readAdapterSettings(r.modelFolder);
        configFolder = model::resolveAdapterBase(r.modelFolder, own);
        if (!lora.enabled())
            lora = own; // the adapter trains as itself
    }
    const auto config = model::loadModelConfig((fs::path(configFolder) / "config.json").string());
    MemoryPlanInput in;
    in.shape = shapeOf(config);
    in.kind = r.kind;
    in.dtype = r.dtype == "bfloat16" ? PlanDtype::BFloat16 : PlanDtype::Float32;
    in.device = r.device.rfind("cuda", 0) == 0 ? PlanDevice::Cuda : PlanDevice::Cpu;
    in.loraRank = lora.rank;
    if (lora.enabled())
        in.loraTargets = lora.targetModules;
    in.microBatch = std::max<std::int64_t>(1, r.microBatch);
    in.gradAccum = std::max<std::int64_t>(1, r.gradAccum);
    in.maxLength = std::max<std::int64_t>(1, r.maxLength);
    in.gradientCheckpointing = r.gradientCheckpointing;
    in.referenceElsewhere = r.referenceElsewhere;
    return in;
}

std::optional<MemoryPlan> planRunMemory(const RunMemoryRequest &request)
{
    if (request.device.rfind("cuda", 0) == 0)
        return std::nullopt;
    const auto available = request.availableBytes ? request.availableBytes : cpuAvailableBytes();
    if (!available)
        return std::nullopt;
    return planMemory(planInputFor(request), *available, "MemAvailable");
}

} // namespace rlrf::train
