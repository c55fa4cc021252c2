// SPDX-License-Identifier: GPL-3.0-or-later
// The SFT loop behind runSft (sft.h), for the facade and for tests that need to
// reach inside a run (the afterStep hook). Backend-internal (torch).
#pragma once

#include "model/policy.h"
#include "train/checkpoint.h"
#include "train/sft.h"

#include <functional>

namespace rlrf::model {
class LlamaModelImpl;
}

namespace rlrf::train {

struct SftHooks {
    // Called after each applied optimizer step (1-based step count).
    std::function<void(std::int64_t step, model::LlamaModelImpl &module)> afterStep;
};

struct SftJob {
    SftConfig config;
    model::Policy policy;       // trained in place
    ModelSaver saveModel;      // writes a model folder (Policy or TextModel save)
    std::string outFolder;
    std::string resumeFrom;    // a checkpoint folder, or empty for a fresh start
};

// Throws rlrf::Error for bad settings or data; a non-finite loss or gradient, a
// cancellation or success come back as the result.
SftResult trainSft(const SftJob &job, const SftData &data, const RunContext &context, const SftHooks &hooks = {});

} // namespace rlrf::train
