// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/tensor_view.h"

#include <array>
#include <cstring>

namespace rlrf::model {

namespace {

struct DtypeInfo {
    Dtype dtype;
    const char *name;
    std::size_t size;
    // Position in the reference implementation's Dtype enum (safetensors
    // src/tensor.rs: BOOL, U8, I8, ..., F16, BF16, I32, U32, F32, F64, I64, U64);
    // only the relative order matters, it decides the data layout.
    int layoutRank;
};

constexpr std::array<DtypeInfo, 9> kDtypes{{
    {Dtype::Bool, "BOOL", 1, 0},
    {Dtype::U8, "U8", 1, 1},
    {Dtype::I8, "I8", 1, 2},
    {Dtype::F16, "F16", 2, 7},
    {Dtype::BF16, "BF16", 2, 8},
    {Dtype::I32, "I32", 4, 9},
    {Dtype::F32, "F32", 4, 11},
    {Dtype::F64, "F64", 8, 12},
    {Dtype::I64, "I64", 8, 13},
}};

const DtypeInfo &info(Dtype dtype)
{
    for (const auto &d : kDtypes)
        if (d.dtype == dtype)
            return d;
    return kDtypes[0]; // unreachable: every enumerator is in the table
}

} // namespace

std::size_t dtypeSize(Dtype dtype) { return info(dtype).size; }

const char *dtypeName(Dtype dtype) { return info(dtype).name; }

int dtypeLayoutRank(Dtype dtype) { return info(dtype).layoutRank; }

std::optional<Dtype> dtypeFromName(const std::string &name)
{
    for (const auto &d : kDtypes)
        if (name == d.name)
            return d.dtype;
    return std::nullopt;
}

std::int64_t TensorView::numel() const
{
    std::int64_t n = 1;
    for (const auto d : shape)
        n *= d;
    return n;
}

} // namespace rlrf::model
