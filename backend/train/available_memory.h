// SPDX-License-Identifier: GPL-3.0-or-later
// How much main memory a new run can take, for the memory planner
// (memory_plan.h): Linux's own estimate, MemAvailable, which counts free memory
// plus the page cache and buffers it can drop. CUDA's free memory needs LibTorch
// and is the caller's to ask. Torch-free.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rlrf::train {

/// MemAvailable of a /proc/meminfo text ("MemAvailable:   24300000 kB"), in
/// bytes; nullopt when the line is absent or malformed (kernels before 3.14).
std::optional<std::uint64_t> parseMemAvailable(const std::string &meminfoText);

/// The same, read from `path`; nullopt when it cannot be read (not Linux).
std::optional<std::uint64_t> cpuAvailableBytes(const std::string &path = "/proc/meminfo");

} // namespace rlrf::train
