// SPDX-License-Identifier: GPL-3.0-or-later
// A tiny seeded generator (SplitMix64, Steele et al. 2014) and FNV-1a hashing.
// Written out here because std::uniform_int_distribution differs between standard
// libraries: generated problems must be the same on every platform.
#pragma once

#include <cstdint>
#include <string_view>

namespace rlrf::tasks {

class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t seed) : m_state(seed) {}

    std::uint64_t next()
    {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    /// Uniform in [lo, hi] (lo <= hi), without modulo bias.
    long uniform(long lo, long hi)
    {
        const std::uint64_t span = static_cast<std::uint64_t>(hi - lo) + 1;
        const std::uint64_t limit = UINT64_MAX - UINT64_MAX % span;
        std::uint64_t r = next();
        while (r >= limit)
            r = next();
        return lo + static_cast<long>(r % span);
    }

    /// Uniform index in [0, n) for n > 0.
    std::size_t index(std::size_t n) { return static_cast<std::size_t>(uniform(0, static_cast<long>(n) - 1)); }

private:
    std::uint64_t m_state;
};

/// 64-bit FNV-1a of the bytes of `text`.
inline std::uint64_t fnv1a64(std::string_view text)
{
    std::uint64_t h = 0xCBF29CE484222325ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 0x100000001B3ull;
    }
    return h;
}

} // namespace rlrf::tasks
