// SPDX-License-Identifier: GPL-3.0-or-later
// The weights of a Hugging Face model folder: one model.safetensors, or the shards
// named by model.safetensors.index.json. Refuses pickle checkpoints. Torch-free.
#pragma once

#include "model/safetensors_reader.h"

#include <map>
#include <string>
#include <vector>

namespace rlrf::model {

inline constexpr const char *kSafetensorsSingleFile = "model.safetensors";
inline constexpr const char *kSafetensorsIndexFile = "model.safetensors.index.json";

/// All tensors of a checkpoint, found by name across its shards.
/// Cheap to copy (the shards' mappings are shared). Read-only after open().
class SafetensorsCheckpoint {
public:
    /// `path` is a model folder or one .safetensors file. In a folder,
    /// model.safetensors wins over model.safetensors.index.json (as in
    /// transformers). For an index, every shard it names is opened, every
    /// weight_map entry must exist in its shard, and every tensor of a shard must
    /// be listed in the weight_map for that shard. Errors (rlrf::Error) name the
    /// file and the tensor: missing shard file, missing tensor, duplicate tensor,
    /// malformed index. A folder or file holding only a pickle checkpoint
    /// (pytorch_model.bin, *.pt, *.pth, *.bin) is refused with the reason and how
    /// to convert it (see refusePickleCheckpoint()).
    static SafetensorsCheckpoint open(const std::string &path, const SafetensorsReadOptions &options = {});

    /// The tensor called `name` in any shard, or nullptr.
    const TensorView *find(const std::string &name) const;

    /// The tensor called `name`; throws rlrf::Error naming the checkpoint and the tensor.
    const TensorView &at(const std::string &name) const;

    /// Every tensor name, sorted.
    std::vector<std::string> names() const;

    /// The opened files, in index order (one entry for a single file).
    const std::vector<SafetensorsFile> &shards() const { return m_shards; }

    /// Which file holds `name` (a path), or an empty string.
    std::string fileOf(const std::string &name) const;

    /// Sum of all tensors' byte sizes (the index's metadata.total_size).
    std::uint64_t totalTensorBytes() const;

    /// The folder or file it was opened from.
    const std::string &source() const { return m_source; }

private:
    // Positions, not pointers, so that copies of the checkpoint stay valid.
    struct Location {
        std::size_t shard = 0;
        std::size_t tensor = 0; // index in shards()[shard].tensors()
    };
    void openIndex(const std::string &indexPath, const SafetensorsReadOptions &options);
    void addShard(SafetensorsFile shard, const std::map<std::string, std::string> *weightMap);

    std::string m_source;
    std::vector<SafetensorsFile> m_shards;
    std::map<std::string, Location> m_byName;
};

/// True for a path whose name says pickle checkpoint (pytorch_model.bin, *.bin,
/// *.pt, *.pth, *.ckpt, pytorch_model.bin.index.json).
bool looksLikePickleCheckpoint(const std::string &path);

/// Throws the rlrf::Error that explains why pickle checkpoints are refused
/// (loading one can run arbitrary code) and how to convert it with safetensors in
/// Python. `path` names the offending file.
[[noreturn]] void refusePickleCheckpoint(const std::string &path);

} // namespace rlrf::model
