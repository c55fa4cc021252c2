// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf project new`: create a project file with its model, task and rubric.
#include "cli/command_registry.h"

#include "core/logging.h"
#include "store/project_setup.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace {

int runProjectNew(const rlrf::cli::ParsedArgs &args)
{
    rlrf::store::NewProjectRequest request;
    request.path = args.positional.at(0);
    request.modelDir = args.required("model");
    request.task = args.required("task");
    request.rubricPath = args.required("rubric");
    const auto result = rlrf::store::createProject(request);
    for (const auto &warning : result.warnings)
        rlrf::log::get("store")->warn("{}", warning);
    const nlohmann::json line = {{"project", request.path},
                                 {"task", result.info.task},
                                 {"model_dir", result.info.modelDir},
                                 {"schema_version", result.info.schemaVersion},
                                 {"rubric", {{"name", result.rubric.name}, {"version", result.rubric.version}}}};
    std::cout << line.dump() << "\n";
    return 0;
}

const rlrf::cli::RegisterCommand registerProjectNew{{
    "project new",
    "create a project file (.rlrf) for a model, a task and a rubric",
    "rlrf project new FILE --model DIR --task NAME --rubric FILE",
    {{"model", "DIR", "the starting model folder (Hugging Face layout; needs config.json)"},
     {"task", "NAME", "the task the project works on (arith, gsm8k, just-eval, bfcl, ...)"},
     {"rubric", "FILE", "rubric file, e.g. rubrics/default.json (see docs/rubric-format.md)"}},
    1,
    1,
    "Refuses to overwrite an existing file. Prints one JSON line describing the new project.",
    runProjectNew,
}};

} // namespace
