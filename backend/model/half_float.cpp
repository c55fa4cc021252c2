// SPDX-License-Identifier: GPL-3.0-or-later
// Bit-level conversions following IEEE 754-2008 binary16 and the bfloat16 layout
// (sign, 8-bit exponent, 7-bit mantissa: the top 16 bits of a binary32).
#include "model/half_float.h"

#include "core/error.h"

#include <cstring>

namespace rlrf::model {

namespace {

std::uint32_t floatBits(float value)
{
    std::uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    return bits;
}

float bitsToFloat(std::uint32_t bits)
{
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

std::uint16_t loadU16(const std::uint8_t *p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }

void storeU16(std::uint8_t *p, std::uint16_t v)
{
    p[0] = static_cast<std::uint8_t>(v & 0xff);
    p[1] = static_cast<std::uint8_t>(v >> 8);
}

} // namespace

float halfToFloat(std::uint16_t bits)
{
    const std::uint32_t sign = static_cast<std::uint32_t>(bits & 0x8000) << 16;
    const std::uint32_t exponent = (bits >> 10) & 0x1f;
    std::uint32_t mantissa = bits & 0x3ff;
    if (exponent == 0x1f) // infinity or NaN (payload kept)
        return bitsToFloat(sign | 0x7f800000u | (mantissa << 13));
    if (exponent != 0)
        return bitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    if (mantissa == 0)
        return bitsToFloat(sign);
    // Subnormal half: normalise; value = mantissa * 2^-24.
    int e = 113;
    while ((mantissa & 0x400) == 0) {
        mantissa <<= 1;
        --e;
    }
    return bitsToFloat(sign | (static_cast<std::uint32_t>(e) << 23) | ((mantissa & 0x3ff) << 13));
}

std::uint16_t floatToHalf(float value)
{
    const std::uint32_t bits = floatBits(value);
    const auto sign = static_cast<std::uint16_t>((bits >> 16) & 0x8000);
    const std::uint32_t exponent = (bits >> 23) & 0xff;
    const std::uint32_t mantissa = bits & 0x7fffff;
    if (exponent == 0xff) // keep NaN a NaN even when the payload's top bits are zero
        return static_cast<std::uint16_t>(sign | 0x7c00 | (mantissa ? 0x200 | (mantissa >> 13) : 0));
    const int halfExponent = static_cast<int>(exponent) - 127 + 15;
    if (halfExponent >= 0x1f)
        return static_cast<std::uint16_t>(sign | 0x7c00);
    if (halfExponent <= 0) {
        if (halfExponent < -10) // below half the smallest subnormal: rounds to zero
            return sign;
        // Subnormal result: shift the full significand (with its hidden bit) right.
        const std::uint32_t significand = mantissa | 0x800000;
        const int shift = 14 - halfExponent;
        std::uint32_t half = significand >> shift;
        const std::uint32_t rest = significand & ((1u << shift) - 1);
        const std::uint32_t halfway = 1u << (shift - 1);
        if (rest > halfway || (rest == halfway && (half & 1)))
            ++half;
        return static_cast<std::uint16_t>(sign | half);
    }
    std::uint32_t half = (static_cast<std::uint32_t>(halfExponent) << 10) | (mantissa >> 13);
    const std::uint32_t rest = mantissa & 0x1fff;
    // A carry out of the mantissa correctly bumps the exponent (up to infinity).
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
        ++half;
    return static_cast<std::uint16_t>(sign | half);
}

float bfloat16ToFloat(std::uint16_t bits) { return bitsToFloat(static_cast<std::uint32_t>(bits) << 16); }

std::uint16_t floatToBfloat16(float value)
{
    const std::uint32_t bits = floatBits(value);
    if ((bits & 0x7fffffff) > 0x7f800000) // NaN: truncating could turn it into infinity
        return static_cast<std::uint16_t>((bits >> 16) | 0x40);
    const std::uint32_t roundingBias = 0x7fff + ((bits >> 16) & 1);
    return static_cast<std::uint16_t>((bits + roundingBias) >> 16);
}

std::vector<float> toFloat32(const TensorView &view)
{
    const auto n = static_cast<std::size_t>(view.numel());
    const auto *bytes = static_cast<const std::uint8_t *>(view.data);
    if (view.byteSize != n * dtypeSize(view.dtype))
        throw Error("byte size does not match the shape", {{}, 0, view.name});
    std::vector<float> out(n);
    switch (view.dtype) {
    case Dtype::F32:
        std::memcpy(out.data(), bytes, n * sizeof(float)); // little-endian host, as the file
        break;
    case Dtype::F16:
        for (std::size_t i = 0; i < n; ++i)
            out[i] = halfToFloat(loadU16(bytes + 2 * i));
        break;
    case Dtype::BF16:
        for (std::size_t i = 0; i < n; ++i)
            out[i] = bfloat16ToFloat(loadU16(bytes + 2 * i));
        break;
    default:
        throw Error(std::string("cannot convert ") + dtypeName(view.dtype) + " to F32 (only F32, F16, BF16)",
                    {{}, 0, view.name});
    }
    return out;
}

std::vector<std::uint8_t> fromFloat32(const float *values, std::size_t count, Dtype target)
{
    std::vector<std::uint8_t> out(count * dtypeSize(target));
    switch (target) {
    case Dtype::F32:
        std::memcpy(out.data(), values, count * sizeof(float));
        break;
    case Dtype::F16:
        for (std::size_t i = 0; i < count; ++i)
            storeU16(out.data() + 2 * i, floatToHalf(values[i]));
        break;
    case Dtype::BF16:
        for (std::size_t i = 0; i < count; ++i)
            storeU16(out.data() + 2 * i, floatToBfloat16(values[i]));
        break;
    default:
        throw Error(std::string("cannot convert F32 to ") + dtypeName(target) + " (only F32, F16, BF16)");
    }
    return out;
}

static_assert(sizeof(float) == 4, "binary32 floats are assumed");

} // namespace rlrf::model
