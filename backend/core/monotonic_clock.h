// SPDX-License-Identifier: GPL-3.0-or-later
// Seconds on the steady clock, for stage and step timings (never for dates).
#pragma once

#include <chrono>

namespace rlrf {

inline double monotonicSeconds()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

} // namespace rlrf
