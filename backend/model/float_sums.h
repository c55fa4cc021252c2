// SPDX-License-Identifier: GPL-3.0-or-later
// Float sums for the hand-written CPU kernels (cached_attention.cpp,
// training_kernels.cpp): eight independent partial sums, so the compiler can keep
// them in one vector register without reordering a single sum. Always inlined,
// so each kernel's AVX2 build gets its own wide copy. Torch-free.
#pragma once

#include <cstdint>

namespace rlrf::model {

#if defined(__GNUC__)
#define RLRF_SUMS_INLINE inline __attribute__((always_inline))
#else
#define RLRF_SUMS_INLINE inline
#endif

/// a[0] * b[0] + ... + a[n-1] * b[n-1].
RLRF_SUMS_INLINE float dot(const float *a, const float *b, std::int64_t n)
{
    float partial[8] = {};
    std::int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; ++j)
            partial[j] += a[i + j] * b[i + j];
    float sum = 0.f;
    for (; i < n; ++i)
        sum += a[i] * b[i];
    for (int j = 0; j < 8; ++j)
        sum += partial[j];
    return sum;
}

/// a[0] + ... + a[n-1], in dot's order.
RLRF_SUMS_INLINE float sum(const float *a, std::int64_t n)
{
    float partial[8] = {};
    std::int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; ++j)
            partial[j] += a[i + j];
    float total = 0.f;
    for (; i < n; ++i)
        total += a[i];
    for (int j = 0; j < 8; ++j)
        total += partial[j];
    return total;
}

} // namespace rlrf::model
