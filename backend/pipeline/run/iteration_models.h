// SPDX-License-Identifier: GPL-3.0-or-later
// Which model folder is M_i of a project: M0 is the project's model folder, M_i
// (i >= 1) the checkpoint an RLRF run registered for iteration i — of a given
// run, or the newest one. What `rlrf eval FILE --iteration I` loads. Torch-free.
#pragma once

#include "store/project_file.h"

#include <cstdint>
#include <optional>
#include <string>

namespace rlrf::pipeline {

struct IterationModel {
    std::string folder;
    std::optional<std::int64_t> checkpointId; // none for M0 when no run registered it yet
    // A LoRA run's M_i is an adapter folder whose base is the project's model
    // folder: that folder, to load it with (PolicyOptions::baseModel); empty for
    // a full model folder.
    std::string baseModel{};
};

/// Throws rlrf::Error naming the project when no such checkpoint exists.
IterationModel modelForIteration(store::Project &project, int iteration, std::optional<std::int64_t> runId = {});

} // namespace rlrf::pipeline
