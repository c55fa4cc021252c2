// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/dpo_trainer_checkpoint.h"

#include "core/json_io.h"
#include "core/logging.h"
#include "model/policy.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace rlrf::train {

std::string saveDpoCheckpoint(const model::Policy &policy, const std::string &outputFolder, const std::string &name,
                              const nlohmann::json &trainerState,
                              const std::function<void(const std::string &folder)> &writeExtra)
{
    const fs::path target = fs::path(outputFolder) / name;
    const fs::path temporary = fs::path(outputFolder) / ("." + name + ".tmp");
    fs::remove_all(temporary);
    policy.save(temporary.string());
    if (writeExtra)
        writeExtra(temporary.string());
    json::writeFileAtomically((temporary / "trainer_state.json").string(), trainerState.dump(2) + "\n");
    fs::remove_all(target);
    fs::rename(temporary, target);
    log::get("train")->info("checkpoint saved: {}", target.string());
    return target.string();
}

} // namespace rlrf::train
