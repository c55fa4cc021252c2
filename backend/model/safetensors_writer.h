// SPDX-License-Identifier: GPL-3.0-or-later
// Writes tensors as safetensors in the exact layout of the Hugging Face reference
// writer, one file or shards plus model.safetensors.index.json. Torch-free.
#pragma once

#include "model/tensor_view.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rlrf::model {

/// transformers' default max_shard_size ("5GB", decimal).
inline constexpr std::uint64_t kDefaultMaxShardBytes = 5'000'000'000ULL;

struct SafetensorsWriteOptions {
    /// A new shard starts when adding the next tensor would push the current one
    /// past this many tensor bytes; a larger tensor gets a shard of its own at once
    /// while the open shard keeps filling (huggingface_hub's rule).
    std::uint64_t maxShardBytes = kDefaultMaxShardBytes;
    /// "__metadata__" of every file; transformers expects {"format": "pt"}.
    std::map<std::string, std::string> metadata = {{"format", "pt"}};
};

struct SafetensorsWriteResult {
    std::vector<std::string> files;   // the .safetensors files written, in order
    std::string indexFile;            // model.safetensors.index.json, or empty
    std::uint64_t totalTensorBytes = 0;
};

/// The bytes of one safetensors file holding `tensors`: u64 little-endian header
/// length, the compact JSON header ("__metadata__" first, then the tensors in data
/// order) padded with spaces to a multiple of 8 bytes, then the data. Data are laid
/// out as the reference writer does: by descending dtypeLayoutRank(), then by name.
/// Throws rlrf::Error naming the tensor for an empty or duplicate name, a negative
/// dimension, missing data, or byteSize != numel * dtypeSize.
std::string serializeSafetensors(const std::vector<TensorView> &tensors,
                                 const std::map<std::string, std::string> &metadata = {{"format", "pt"}});

/// Writes one safetensors file atomically (a temporary name in the same folder,
/// then rename), streaming tensor data without copying it.
void writeSafetensorsFile(const std::string &path, const std::vector<TensorView> &tensors,
                          const std::map<std::string, std::string> &metadata = {{"format", "pt"}});

/// Saves the weights of a Hugging Face model folder (created when missing):
/// model.safetensors when everything fits in one shard, otherwise
/// model-0000i-of-0000N.safetensors plus model.safetensors.index.json
/// (metadata.total_size, weight_map sorted by name). Shards are filled in the
/// order of `tensors`. Weight files of an earlier save that the new one does not
/// use are removed afterwards, so the folder never mixes two saves.
SafetensorsWriteResult saveSafetensorsCheckpoint(const std::string &folder,
                                                 const std::vector<TensorView> &tensors,
                                                 const SafetensorsWriteOptions &options = {});

} // namespace rlrf::model
