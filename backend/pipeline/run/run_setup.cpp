// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/run/run_setup.h"

#include "core/error.h"
#include "core/logging.h"
#include "pipeline/run/stage_env.h"
#include "store/checkpoint_repository.h"
#include "store/prompt_repository.h"
#include "store/run_repository.h"
#include "store/stage_repository.h"
#include "store/transaction.h"

#include <algorithm>
#include <filesystem>
#include <random>

namespace fs = std::filesystem;

namespace rlrf::pipeline {

namespace {

RunHandle reopen(store::Project &project, const store::RunRecord &run, const PipelineOptions &options)
{
    const auto stored = nlohmann::json::parse(run.hyperParametersJson);
    RunHandle handle{run.id, pipelineOptionsFromJson(stored, "run " + std::to_string(run.id)), true, nullptr};
    // Before anything is written: a run another process is running is refused.
    handle.lock = std::make_shared<store::RunLock>(store::RunLock::acquire(project.path(), run.id));
    handle.options.iterations = options.iterations;
    handle.options.autoApprove = options.autoApprove;
    store::StageRepository(project.db()).reopenRun(run.id);
    log::get("pipeline")->info("resuming run {} ({}) with the settings it started with", run.id,
                               toString(handle.options.mode));
    return handle;
}

} // namespace

RunHandle openRun(store::Project &project, const PipelineOptions &options, bool fresh,
                  std::optional<std::int64_t> resumeRunId)
{
    store::RunRepository runs(project.db());
    if (resumeRunId) {
        const auto run = runs.byId(*resumeRunId);
        if (run.kind != store::RunKind::Rlrf)
            throw Error("run " + std::to_string(run.id) + " is not an RLRF run", {project.path(), 0, "runs"});
        if (run.status == store::RunStatus::Succeeded)
            throw Error("run " + std::to_string(run.id) + " has finished; start a new run instead",
                        {project.path(), 0, "runs"});
        return reopen(project, run, options);
    }
    if (!fresh) {
        auto list = runs.list();
        for (auto it = list.rbegin(); it != list.rend(); ++it) {
            if (it->kind != store::RunKind::Rlrf || it->status == store::RunStatus::Succeeded)
                continue;
            const auto stored = nlohmann::json::parse(it->hyperParametersJson);
            if (stored.value("mode", "") != toString(options.mode))
                continue;
            return reopen(project, *it, options);
        }
    }
    const auto id = runs.start(store::RunKind::Rlrf, 0, toJson(options).dump());
    return {id, options, false, std::make_shared<store::RunLock>(store::RunLock::acquire(project.path(), id))};
}

std::string resolveModelDir(store::Project &project)
{
    const std::string given = project.info().modelDir;
    if (fs::exists(fs::path(given) / "config.json"))
        return fs::absolute(given).lexically_normal().string();
    const auto besideProject = fs::absolute(project.path()).parent_path() / given;
    if (fs::exists(besideProject / "config.json"))
        return besideProject.lexically_normal().string();
    throw Error("the project's model folder '" + given + "' has no config.json (looked here and beside the project)",
                {project.path(), 0, "model_dir"});
}

std::int64_t ensureBaseCheckpoint(store::Project &project, const std::string &modelDir)
{
    store::CheckpointRepository checkpoints(project.db());
    for (const auto &c : checkpoints.list())
        if (c.iteration == 0 && c.path == modelDir)
            return c.id;
    store::CheckpointRecord base;
    base.path = modelDir;
    base.iteration = 0;
    return checkpoints.add(base);
}

std::optional<std::int64_t> checkpointOfFolder(store::Project &project, const std::string &folder)
{
    const auto normal = [](const std::string &path) {
        std::error_code ec;
        const auto canonical = fs::weakly_canonical(fs::absolute(path), ec);
        return ec ? fs::absolute(path).lexically_normal().string() : canonical.string();
    };
    const auto wanted = normal(folder);
    for (const auto &c : store::CheckpointRepository(project.db()).list())
        if (normal(c.path) == wanted)
            return c.id;
    try {
        const auto modelDir = resolveModelDir(project);
        if (normal(modelDir) == wanted)
            return ensureBaseCheckpoint(project, modelDir);
    } catch (const Error &) {
        // a project whose own model folder is gone: the folder is unknown
    }
    return std::nullopt;
}

std::string iterationFolder(store::Project &project, std::int64_t runId, int modelIteration)
{
    const fs::path file = fs::absolute(project.path());
    return (file.parent_path() / (file.stem().string() + ".runs") / ("run-" + std::to_string(runId))
            / ("M" + std::to_string(modelIteration)))
        .lexically_normal()
        .string();
}

std::vector<std::int64_t> iterationPrompts(store::Project &project, std::int64_t runId, int iteration,
                                           const PipelineOptions &options)
{
    store::StageRepository progress(project.db());
    const store::StageKey key{runId, iteration, stages::kPrompts};
    if (progress.isDone(key))
        return progress.prompts(key);
    store::PromptRepository prompts(project.db());
    store::PageRequest page;
    page.limit = prompts.count(store::Split::Train);
    std::vector<std::int64_t> ids;
    for (const auto &p : prompts.page(page, store::Split::Train))
        ids.push_back(p.id);
    if (ids.empty())
        throw Error("the project has no train prompts; import some with `rlrf import`", {project.path(), 0, "prompts"});
    std::mt19937_64 rng(options.seed);
    std::shuffle(ids.begin(), ids.end(), rng);
    const auto n = std::min<std::size_t>(ids.size(), static_cast<std::size_t>(options.promptsPerIteration));
    std::vector<std::int64_t> chosen;
    for (std::size_t k = 0; k < n; ++k)
        chosen.push_back(ids[(static_cast<std::size_t>(iteration) * n + k) % ids.size()]);
    store::Transaction tx(project.db());
    for (const auto id : chosen)
        progress.record(key, id, std::nullopt);
    progress.markDone(key);
    tx.commit();
    return chosen;
}

} // namespace rlrf::pipeline
