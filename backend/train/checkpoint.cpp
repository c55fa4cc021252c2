// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/checkpoint.h"

#include "core/error.h"
#include "core/json_io.h"
#include "core/logging.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace rlrf::train {

namespace {

nlohmann::json stateJson(const TrainerState &state)
{
    const auto &c = state.config;
    return nlohmann::json{{"step", state.step},
                          {"total_steps", state.totalSteps},
                          {"loss", state.loss},
                          {"seed", c.seed},
                          {"optimizer",
                           {{"name", "AdamW"},
                            {"learning_rate", c.learningRate},
                            {"betas", {c.beta1, c.beta2}},
                            {"eps", c.adamEpsilon},
                            {"weight_decay", c.weightDecay}}},
                          {"config", toJson(c)}};
}

} // namespace

void saveCheckpoint(const std::string &folder, const ModelSaver &saveModel, const torch::optim::Optimizer &optimizer,
                    const TrainerState &state)
{
    const fs::path target(folder);
    const fs::path temporary = target.string() + ".tmp";
    const fs::path previous = target.string() + ".old";
    std::error_code ec;
    fs::remove_all(temporary, ec);
    fs::create_directories(temporary);
    saveModel(temporary.string());
    torch::save(optimizer, (temporary / kOptimizerFile).string());
    json::writeFileAtomically((temporary / kTrainerStateFile).string(), stateJson(state).dump(2) + "\n");
    // Keep the old folder until the new one is in place.
    fs::remove_all(previous, ec);
    if (fs::exists(target))
        fs::rename(target, previous);
    fs::rename(temporary, target);
    fs::remove_all(previous, ec);
    log::get("train")->info("checkpoint at step {}: {}", state.step, folder);
}

TrainerState readTrainerState(const std::string &folder)
{
    const std::string path = (fs::path(folder) / kTrainerStateFile).string();
    if (!fs::exists(path))
        throw Error("no " + std::string(kTrainerStateFile) + " in the checkpoint folder", {path});
    const auto object = json::readFile(path);
    TrainerState state;
    state.step = json::require<std::int64_t>(object, "step", path);
    state.totalSteps = json::require<std::int64_t>(object, "total_steps", path);
    state.loss = json::require<double>(object, "loss", path);
    if (!object.contains("config"))
        throw Error("missing field", {path, 0, "config"});
    state.config = sftConfigFromJson(object.at("config"), path);
    if (state.step < 0)
        throw Error("step must be at least 0", {path, 0, "step"});
    return state;
}

void loadOptimizerState(torch::optim::Optimizer &optimizer, const std::string &folder)
{
    const std::string path = (fs::path(folder) / kOptimizerFile).string();
    if (!fs::exists(path))
        throw Error("the checkpoint has no optimizer state", {path});
    try {
        torch::load(optimizer, path);
    } catch (const c10::Error &e) {
        throw Error(std::string("cannot read the optimizer state: ") + e.what_without_backtrace(), {path});
    }
}

std::string checkpointFolder(const std::string &outFolder, std::int64_t step)
{
    return (fs::path(outFolder) / ("checkpoint-" + std::to_string(step))).string();
}

std::optional<std::string> latestCheckpoint(const std::string &outFolder)
{
    std::optional<std::string> best;
    std::int64_t bestStep = -1;
    if (!fs::is_directory(outFolder))
        return best;
    const std::string prefix = "checkpoint-";
    for (const auto &entry : fs::directory_iterator(outFolder)) {
        const auto name = entry.path().filename().string();
        if (!entry.is_directory() || name.rfind(prefix, 0) != 0)
            continue;
        const auto digits = name.substr(prefix.size());
        if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos)
            continue; // "checkpoint-3.tmp" is an unfinished write
        if (!fs::exists(entry.path() / kTrainerStateFile))
            continue;
        const auto step = std::stoll(digits);
        if (step > bestStep) {
            bestStep = step;
            best = entry.path().string();
        }
    }
    return best;
}

} // namespace rlrf::train
