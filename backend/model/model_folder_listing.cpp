// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/model_folder_listing.h"

#include "model/model_config.h"
#include "model/safetensors_checkpoint.h"

#include <filesystem>

namespace rlrf::model {

std::vector<nlohmann::json> listCheckpointTensors(const std::string &path)
{
    const auto checkpoint = SafetensorsCheckpoint::open(path);
    std::vector<nlohmann::json> records;
    for (const auto &name : checkpoint.names()) {
        const TensorView &view = checkpoint.at(name);
        records.push_back({{"name", name},
                           {"dtype", dtypeName(view.dtype)},
                           {"shape", view.shape},
                           {"bytes", view.byteSize},
                           {"file", std::filesystem::path(checkpoint.fileOf(name)).filename().string()}});
    }
    return records;
}

nlohmann::json normalisedModelConfig(const std::string &path)
{
    const std::filesystem::path p(path);
    const std::string file = std::filesystem::is_directory(p) ? (p / "config.json").string() : path;
    return toJson(loadModelConfig(file));
}

} // namespace rlrf::model
