// SPDX-License-Identifier: GPL-3.0-or-later
// The memory plan of a training run about to start, from its model folder and
// settings: the planner's input built the way the trainers will run (an adapter
// folder plans its base's shape with its own rank and targets), set against the
// memory this machine has free. The CLI's sft and dpo print it before loading
// anything and refuse a run that cannot fit. Torch-free.
#pragma once

#include "train/memory_plan.h"
#include "types/lora_config.h"

#include <cstdint>
#include <optional>
#include <string>

namespace rlrf::train {

struct RunMemoryRequest {
    PlanKind kind = PlanKind::Sft;
    std::string modelFolder;       // a full model folder or a LoRA adapter folder
    LoraSettings lora;             // asked for (rank 0: none, or the adapter folder's own)
    bool gradientCheckpointing = false;
    std::string dtype = "float32";
    std::string device = "cpu";
    std::int64_t microBatch = 1;   // examples or pairs per forward
    std::int64_t gradAccum = 1;
    std::int64_t maxLength = 1;    // the longest sequence of the data, prompt included
    bool referenceElsewhere = false; // DPO: --ref names another folder, or a full-model run resumes
    // Free memory measured before anything was loaded (a caller that had to load
    // the model to read its data); empty = MemAvailable now.
    std::optional<std::uint64_t> availableBytes;
};

// The request of a run of `kind` on `modelFolder` with an SftConfig or DpoConfig
// (their LoRA, checkpointing, dtype, device, batch and accumulation settings);
// the caller adds the data's longest sequence.
template <typename Config>
RunMemoryRequest memoryRequestFor(PlanKind kind, const std::string &modelFolder, const Config &config)
{
    RunMemoryRequest r;
    r.kind = kind;
    r.modelFolder = modelFolder;
    r.lora = config.lora;
    r.gradientCheckpointing = config.gradientCheckpointing;
    r.dtype = config.dtype;
    r.device = config.device;
    r.microBatch = config.batchSize;
    r.gradAccum = config.gradientAccumulation;
    return r;
}

MemoryPlanInput planInputFor(const RunMemoryRequest &request);

// The plan against MemAvailable for a CPU run; nullopt on CUDA (its free memory
// is not known without a device query) or when /proc/meminfo cannot be read.
std::optional<MemoryPlan> planRunMemory(const RunMemoryRequest &request);

} // namespace rlrf::train
