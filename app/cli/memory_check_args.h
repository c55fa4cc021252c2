// SPDX-License-Identifier: GPL-3.0-or-later
// The memory plan printed before `rlrf sft` and `rlrf dpo` load a model, and the
// refusal of a run that cannot fit (--ignore-memory-plan runs it anyway, for a
// machine with swap or an estimate known to be high).
#pragma once

#include "cli/cli_args.h"
#include "train/run_memory_check.h"

namespace rlrf::cli {

OptionSpec ignoreMemoryPlanOption();

// Prints the plan to stderr; throws rlrf::Error (the refusal, with the flags
// that would fit) when it does not fit and the option is not given.
void checkRunMemory(const ParsedArgs &args, const train::RunMemoryRequest &request);

} // namespace rlrf::cli
