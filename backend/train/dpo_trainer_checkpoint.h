// SPDX-License-Identifier: GPL-3.0-or-later
// Saving a DPO checkpoint so that it is either complete or absent: the Hugging Face
// folder and trainer_state.json go to a hidden temporary folder that is renamed into
// place at the end. Torch-free.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace rlrf::model {
class Policy;
}

namespace rlrf::train {

// Writes <outputFolder>/<name> and returns its path; an older folder of that name is
// replaced only once the new one is complete. `writeExtra`, when set, adds files
// (the optimizer state) to the temporary folder before it is renamed.
std::string saveDpoCheckpoint(const model::Policy &policy, const std::string &outputFolder, const std::string &name,
                              const nlohmann::json &trainerState,
                              const std::function<void(const std::string &folder)> &writeExtra = {});

} // namespace rlrf::train
