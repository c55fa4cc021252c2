// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf status`: what a project holds.
#include "cli/command_registry.h"

#include "store/project_file.h"
#include "store/project_status.h"

#include <iostream>

namespace {

int runStatus(const rlrf::cli::ParsedArgs &args)
{
    rlrf::store::Project project = rlrf::store::Project::open(args.positional.at(0));
    const auto status = rlrf::store::projectStatus(project);
    if (args.has("json"))
        std::cout << rlrf::store::toJson(status).dump() << "\n";
    else
        std::cout << rlrf::store::formatStatus(status);
    return 0;
}

const rlrf::cli::RegisterCommand registerStatus{{
    "status",
    "counts of prompts, candidates, critiques, refinements, pairs and iterations",
    "rlrf status FILE [--json]",
    {{"json", "", "one JSON object instead of text"}},
    1,
    1,
    "",
    runStatus,
}};

} // namespace
