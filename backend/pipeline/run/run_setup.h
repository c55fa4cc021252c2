// SPDX-License-Identifier: GPL-3.0-or-later
// What a pipeline run needs before its first stage: the run record (a new one,
// or the unfinished one to resume, with the settings it started with), the
// starting model M0 as a checkpoint, the folders beside the project file, and
// each iteration's train prompts (chosen once and recorded, so a resume works on
// the same ones). Torch-free.
#pragma once

#include "pipeline/run/pipeline_options.h"
#include "store/project_file.h"
#include "store/run_lock.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rlrf::pipeline {

struct RunHandle {
    std::int64_t runId = 0;
    PipelineOptions options; // as stored in the run record
    bool resumed = false;
    // This process's claim on the run (store/run_lock.h), held while the handle lives.
    std::shared_ptr<store::RunLock> lock;
};

/// Claims the run (a second process running it is refused with rlrf::Error).
/// Resumes the newest run of the same mode that did not succeed, unless `fresh`;
/// otherwise records a new one. A resumed run keeps its stored settings except
/// the number of iterations and auto-approve, which the caller's options set.
/// With `resumeRunId`, resumes that run (an RLRF run that did not succeed) or
/// throws rlrf::Error saying why it cannot.
RunHandle openRun(store::Project &project, const PipelineOptions &options, bool fresh,
                  std::optional<std::int64_t> resumeRunId = std::nullopt);

/// The project's model folder: as given when it exists from here, otherwise
/// relative to the project file's folder. Throws rlrf::Error when neither exists.
std::string resolveModelDir(store::Project &project);

/// The checkpoint record of M0 (the project's model folder), created on first use.
std::int64_t ensureBaseCheckpoint(store::Project &project, const std::string &modelDir);

/// The checkpoint record of the model in `folder`, so a model trained from it
/// is registered under it: a registered checkpoint at that path, or M0's record
/// when the folder is the project's model folder, or none for a folder the
/// project does not know.
std::optional<std::int64_t> checkpointOfFolder(store::Project &project, const std::string &folder);

/// <project>.runs/run-<id>/M<i>: where the DPO of iteration i-1 writes M_i.
std::string iterationFolder(store::Project &project, std::int64_t runId, int modelIteration);

/// Iteration i's train prompts: the train split in a seeded order, a fresh slice
/// of options.promptsPerIteration each iteration (wrapping when they run out).
/// Recorded under the "prompts" stage the first time; read back afterwards.
std::vector<std::int64_t> iterationPrompts(store::Project &project, std::int64_t runId, int iteration,
                                           const PipelineOptions &options);

} // namespace rlrf::pipeline
