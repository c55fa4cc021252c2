// SPDX-License-Identifier: GPL-3.0-or-later
// Creating a project the way `rlrf project new` and the GUI's New Project dialog
// do: check the inputs, create the file, store the first rubric version.
#pragma once

#include "types/records.h"

#include <string>
#include <vector>

namespace rlrf::store {

struct NewProjectRequest {
    std::string path;       // the .rlrf file to create; must not exist
    std::string modelDir;   // stored as given; must be a folder with a config.json
    std::string task;       // non-empty
    std::string rubricPath; // a rubric file (docs/rubric-format.md)
};

struct NewProjectResult {
    ProjectInfo info;
    RubricVersion rubric;
    std::vector<std::string> warnings; // e.g. a rubric without eight aspects
};

/// Every input is checked before the file is created, so a mistake leaves no
/// half-made project behind. Throws rlrf::Error naming the file or folder at fault.
NewProjectResult createProject(const NewProjectRequest &request);

} // namespace rlrf::store
