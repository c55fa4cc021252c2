// SPDX-License-Identifier: GPL-3.0-or-later
// Element types of safetensors files and a torch-free view of one tensor's bytes.
// The reader hands these out; the writer takes them in; the decoder turns them into
// torch tensors (torch::from_blob over `data`, keeping `owner` alive).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rlrf::model {

/// Element types of the safetensors format that this project reads. The model
/// itself uses F32, F16 and BF16; the others are read so that any Hugging Face file
/// can be inspected. Values are little-endian as stored in the file.
enum class Dtype { Bool, U8, I8, I32, I64, F16, BF16, F32, F64 };

/// Bytes per element (Bool is one byte).
std::size_t dtypeSize(Dtype dtype);

/// The name used in safetensors headers: "F32", "BF16", "BOOL", ...
const char *dtypeName(Dtype dtype);

/// The inverse of dtypeName(); std::nullopt for names this project does not read.
std::optional<Dtype> dtypeFromName(const std::string &name);

/// The rank of the dtype in the safetensors reference writer's layout order: data
/// are laid out by descending rank, then by name (see SafetensorsWriter).
int dtypeLayoutRank(Dtype dtype);

/// A read-only window on one tensor's bytes, row-major and contiguous.
/// `data` stays valid as long as any copy of `owner` lives (for views from the
/// reader, `owner` holds the memory mapping; views built by hand for the writer
/// may leave it empty and keep the bytes alive themselves).
struct TensorView {
    std::string name;
    Dtype dtype = Dtype::F32;
    std::vector<std::int64_t> shape;
    const void *data = nullptr;
    std::size_t byteSize = 0;
    std::shared_ptr<const void> owner;

    /// Product of the shape (1 for a scalar, shape []).
    std::int64_t numel() const;
};

} // namespace rlrf::model
