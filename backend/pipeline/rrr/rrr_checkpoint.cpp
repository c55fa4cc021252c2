// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/rrr/rrr_checkpoint.h"

#include "core/json_io.h"
#include "core/logging.h"
#include "model/text_model.h"

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace rlrf::rrr {
namespace {

const std::string kPrefix = "checkpoint-";

std::optional<std::int64_t> stepOf(const fs::path &folder)
{
    const auto name = folder.filename().string();
    if (name.rfind(kPrefix, 0) != 0)
        return std::nullopt;
    const auto digits = name.substr(kPrefix.size());
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 12)
        return std::nullopt;
    return std::stoll(digits);
}

bool isCheckpointOrUnfinished(const fs::path &folder)
{
    const auto name = folder.filename().string();
    return stepOf(folder).has_value() || (name.rfind("." + kPrefix, 0) == 0 && name.size() > 4
                                          && name.compare(name.size() - 4, 4, ".tmp") == 0);
}

} // namespace

std::string saveRrrCheckpoint(const model::TextModel &policy, const std::string &outputFolder, std::int64_t step,
                              const nlohmann::json &settings,
                              const std::function<void(const std::string &file)> &saveOptimizer,
                              const std::string &keep)
{
    const std::string name = kPrefix + std::to_string(step);
    const fs::path target = fs::path(outputFolder) / name;
    const fs::path temporary = fs::path(outputFolder) / ("." + name + ".tmp");
    fs::remove_all(temporary);
    policy.save(temporary.string());
    saveOptimizer((temporary / kRrrOptimizerFile).string());
    const nlohmann::json state = {{"step", step}, {"settings", settings}};
    json::writeFileAtomically((temporary / kRrrTrainerStateFile).string(), state.dump(2) + "\n");
    fs::remove_all(target);
    fs::rename(temporary, target);
    // Only the newest is kept: it is all a resumed run needs.
    std::error_code error;
    for (const auto &entry : fs::directory_iterator(outputFolder))
        if (entry.is_directory() && entry.path() != target && isCheckpointOrUnfinished(entry.path())
            && !(!keep.empty() && fs::equivalent(entry.path(), keep, error)))
            fs::remove_all(entry.path());
    log::get("rrr")->info("checkpoint after step {}: {}", step, target.string());
    return target.string();
}

std::optional<RrrResumePoint> latestRrrCheckpoint(const std::string &outputFolder, const nlohmann::json &settings)
{
    std::error_code error;
    if (!fs::is_directory(outputFolder, error))
        return std::nullopt;
    std::optional<RrrResumePoint> best;
    for (const auto &entry : fs::directory_iterator(outputFolder, error)) {
        const auto step = stepOf(entry.path());
        if (!step || !entry.is_directory() || (best && *step <= best->step))
            continue;
        const auto stateFile = entry.path() / kRrrTrainerStateFile;
        if (!fs::exists(entry.path() / kRrrOptimizerFile) || !fs::exists(stateFile))
            continue;
        std::ifstream in(stateFile);
        const auto state = nlohmann::json::parse(in, nullptr, false);
        if (state.is_discarded() || !state.is_object() || state.value("step", std::int64_t(-1)) != *step
            || !state.contains("settings") || state["settings"] != settings) {
            log::get("rrr")->warn("{}: written by a run with other settings; not continued from", entry.path().string());
            continue;
        }
        best = RrrResumePoint{entry.path().string(), *step};
    }
    return best;
}

std::string saveFinalModel(const model::TextModel &policy, const std::string &outputFolder)
{
    const fs::path target = fs::path(outputFolder) / "final";
    const fs::path temporary = fs::path(outputFolder) / ".final.tmp";
    fs::remove_all(temporary);
    policy.save(temporary.string());
    fs::remove_all(target);
    fs::rename(temporary, target);
    return target.string();
}

void removeRrrCheckpoints(const std::string &outputFolder)
{
    std::error_code error;
    if (!fs::is_directory(outputFolder, error))
        return;
    for (const auto &entry : fs::directory_iterator(outputFolder, error))
        if (entry.is_directory() && isCheckpointOrUnfinished(entry.path()))
            fs::remove_all(entry.path());
}

} // namespace rlrf::rrr
