// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/run/iteration_models.h"

#include "core/error.h"
#include "model/adapter_folder.h"
#include "pipeline/run/run_setup.h"
#include "store/checkpoint_repository.h"

namespace rlrf::pipeline {

IterationModel modelForIteration(store::Project &project, int iteration, std::optional<std::int64_t> runId)
{
    if (iteration < 0)
        throw Error("an iteration is 0 or more", {project.path(), 0, "iteration"});
    if (iteration == 0 && !runId)
        return {resolveModelDir(project), std::nullopt};
    const std::string runFolder = runId ? iterationFolder(project, *runId, iteration) : std::string();
    std::optional<store::CheckpointRecord> found;
    for (const auto &c : store::CheckpointRepository(project.db()).list()) {
        if (c.iteration != iteration)
            continue;
        if (runId && iteration > 0 && c.path.rfind(runFolder, 0) != 0)
            continue;
        found = c; // list() is by id: the last match is the newest
    }
    if (!found)
        throw Error("no checkpoint is registered for iteration " + std::to_string(iteration)
                        + (runId ? " of run " + std::to_string(*runId) : std::string())
                        + "; train it with `rlrf run FILE --iterations " + std::to_string(iteration) + "`",
                    {project.path(), 0, "checkpoints"});
    IterationModel model{found->path, found->id, {}};
    if (model::isAdapterFolder(model.folder))
        model.baseModel = resolveModelDir(project);
    return model;
}

} // namespace rlrf::pipeline
