// SPDX-License-Identifier: GPL-3.0-or-later
// What a model folder holds, as JSON records for people and scripts: one record a
// tensor, and the normalised config. Torch-free; the CLI prints these.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace rlrf::model {

/// One record per tensor of the checkpoint at `path` (a folder, a .safetensors
/// file or an index), sorted by name: {"name", "dtype", "shape", "bytes", "file"}
/// with the file name relative to its folder. Errors as SafetensorsCheckpoint::open.
std::vector<nlohmann::json> listCheckpointTensors(const std::string &path);

/// config.json of a folder (or the file itself) as this project reads it, written
/// back with toJson(). Errors as loadModelConfig.
nlohmann::json normalisedModelConfig(const std::string &path);

} // namespace rlrf::model
