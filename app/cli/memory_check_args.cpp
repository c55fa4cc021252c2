// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/memory_check_args.h"

#include "train/memory_plan_text.h"

#include <iostream>

namespace rlrf::cli {

OptionSpec ignoreMemoryPlanOption()
{
    return {"ignore-memory-plan", "", "start even when the memory plan says the run does not fit"};
}

void checkRunMemory(const ParsedArgs &args, const train::RunMemoryRequest &request)
{
    const auto plan = train::planRunMemory(request);
    if (!plan)
        return; // CUDA, or no /proc/meminfo: `rlrf model plan --memory GIB` plans it
    std::cerr << train::formatMemoryPlan(*plan);
    if (!plan->fits && !args.has("ignore-memory-plan"))
        throw train::memoryRefusal(*plan);
}

} // namespace rlrf::cli
