// SPDX-License-Identifier: GPL-3.0-or-later
// The memory plan (memory_plan.h) as people read it: the table printed before a
// run, and the message of the error that refuses a run that cannot fit.
// Torch-free.
#pragma once

#include "core/error.h"
#include "train/memory_plan.h"

#include <cstdint>
#include <string>

namespace rlrf::train {

/// "1.84" for 1,976,131,072 bytes: GiB with two decimals.
std::string formatGiB(std::uint64_t bytes);

/// A heading with the settings, then one line per item (item, bytes, GiB,
/// note), the total, the memory available and where that number came from,
/// "fits: yes" or "fits: no" and, when it does not, the settings that would,
/// each with its total. Ends with a newline.
std::string formatMemoryPlan(const MemoryPlan &plan);

/// The refusal of a plan that does not fit: what it needs against what is
/// there, its largest items, and the alternatives as flags with their totals
/// (or, when there are none, how much memory the smallest of the tried
/// settings would need).
Error memoryRefusal(const MemoryPlan &plan);

} // namespace rlrf::train
