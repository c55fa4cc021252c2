// SPDX-License-Identifier: GPL-3.0-or-later
// IEEE half (F16) and bfloat16 (BF16) <-> float conversions on the CPU without
// torch: for the llama2.c importer, for tests and for inspecting weights.
#pragma once

#include "model/tensor_view.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace rlrf::model {

/// Exact: every half value is a float.
float halfToFloat(std::uint16_t bits);
/// Round to nearest, ties to even; overflow gives infinity, NaN stays NaN,
/// small values become subnormal halves or zero.
std::uint16_t floatToHalf(float value);

/// Exact: bfloat16 is the upper half of a float.
float bfloat16ToFloat(std::uint16_t bits);
/// Round to nearest, ties to even; NaN stays a (quiet) NaN.
std::uint16_t floatToBfloat16(float value);

/// The values of an F32, F16 or BF16 view as floats; throws rlrf::Error naming
/// the tensor for other dtypes.
std::vector<float> toFloat32(const TensorView &view);

/// `count` floats encoded as F32, F16 or BF16 (little-endian bytes, ready for a
/// TensorView); throws rlrf::Error for other dtypes.
std::vector<std::uint8_t> fromFloat32(const float *values, std::size_t count, Dtype target);

} // namespace rlrf::model
