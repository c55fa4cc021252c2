// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/adapter_folder.h"

#include "core/error.h"
#include "core/json_io.h"
#include "model/safetensors_checkpoint.h"
#include "model/safetensors_writer.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace rlrf::model {

bool isAdapterFolder(const std::string &folder)
{
    return fs::is_regular_file(fs::path(folder) / kAdapterConfigFile) && !fs::exists(fs::path(folder) / "config.json");
}

train::LoraSettings readAdapterSettings(const std::string &folder)
{
    const auto file = (fs::path(folder) / kAdapterConfigFile).string();
    return train::loraSettingsFromPeft(json::readFile(file), file);
}

std::string resolveAdapterBase(const std::string &folder, const train::LoraSettings &settings,
                               const std::string &overrideBase)
{
    const auto file = (fs::path(folder) / kAdapterConfigFile).string();
    const auto holdsModel = [](const fs::path &p) { return fs::is_regular_file(p / "config.json"); };
    if (!overrideBase.empty()) {
        if (!holdsModel(overrideBase))
            throw Error("the base model folder given has no config.json", {overrideBase});
        return fs::absolute(overrideBase).lexically_normal().string();
    }
    const fs::path given = settings.baseModel;
    if (given.empty())
        throw Error("names no base model; pass the base model folder (--base DIR)",
                    {file, 0, "base_model_name_or_path"});
    for (const auto &candidate : {given.is_absolute() ? given : fs::path(folder) / given, given})
        if (holdsModel(candidate))
            return fs::absolute(candidate).lexically_normal().string();
    throw Error("'" + settings.baseModel + "' is not a model folder here (no config.json); pass the base model "
                "folder (--base DIR)",
                {file, 0, "base_model_name_or_path"});
}

std::string adapterWeightsPath(const std::string &folder)
{
    const auto safetensors = fs::path(folder) / kAdapterWeightsFile;
    if (fs::is_regular_file(safetensors))
        return safetensors.string();
    const auto pickle = fs::path(folder) / "adapter_model.bin";
    if (fs::exists(pickle))
        refusePickleCheckpoint(pickle.string());
    throw Error("the adapter folder has no adapter_model.safetensors", {folder});
}

void writeAdapterFolder(const std::string &folder, const train::LoraSettings &settings,
                        const std::vector<TensorView> &tensors)
{
    fs::create_directories(folder);
    writeSafetensorsFile((fs::path(folder) / kAdapterWeightsFile).string(), tensors);
    json::writeFileAtomically((fs::path(folder) / kAdapterConfigFile).string(),
                              train::peftAdapterConfig(settings).dump(2) + "\n");
}

} // namespace rlrf::model
