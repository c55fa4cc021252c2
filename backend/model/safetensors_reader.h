// SPDX-License-Identifier: GPL-3.0-or-later
// Reads one .safetensors file: memory-maps it, validates the header strictly and
// hands out zero-copy tensor views. Torch-free. Sharded folders: safetensors_checkpoint.h.
#pragma once

#include "model/tensor_view.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace rlrf::model {

/// The largest JSON header accepted (the reference implementation's limit), so a
/// corrupt length cannot make the reader allocate or scan gigabytes.
inline constexpr std::uint64_t kMaxSafetensorsHeaderBytes = 100'000'000;

struct SafetensorsReadOptions {
    /// Bytes of the data section that no tensor covers are an error by default
    /// (the reference implementation refuses them too); set to accept them.
    bool allowGaps = false;
};

/// One memory-mapped safetensors file. Cheap to copy (shares the mapping).
/// Thread safety: all members are const after open(); any thread may read.
class SafetensorsFile {
public:
    /// Maps and validates `path`. Throws rlrf::Error naming the file, the tensor
    /// (as the error's field) and the cause for: a file shorter than 8 bytes, a
    /// header length beyond the file or kMaxSafetensorsHeaderBytes, a header that
    /// is not a JSON object, an unknown dtype, a shape that is not a list of
    /// non-negative integers, data_offsets that are not [begin, end] with
    /// begin <= end inside the data section, a byte size that differs from
    /// numel * dtype size, overlapping tensors, duplicate names, and gaps (unless
    /// allowed).
    static SafetensorsFile open(const std::string &path, const SafetensorsReadOptions &options = {});

    const std::string &path() const { return m_path; }

    /// The free-form string map under "__metadata__" (empty when absent).
    const std::map<std::string, std::string> &metadata() const { return m_metadata; }

    /// Every tensor, in the order of their data in the file.
    const std::vector<TensorView> &tensors() const { return m_tensors; }

    /// The tensor called `name`, or nullptr.
    const TensorView *find(const std::string &name) const;

    /// The tensor called `name`; throws rlrf::Error naming the file and the tensor.
    const TensorView &at(const std::string &name) const;

    /// Size of the whole file in bytes.
    std::uint64_t fileSize() const { return m_fileSize; }

private:
    std::string m_path;
    std::uint64_t m_fileSize = 0;
    std::map<std::string, std::string> m_metadata;
    std::vector<TensorView> m_tensors;
    std::map<std::string, std::size_t> m_index; // name -> position in m_tensors
};

} // namespace rlrf::model
