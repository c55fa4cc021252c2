// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/project_setup.h"

#include "core/error.h"
#include "store/project_file.h"
#include "store/rubric_repository.h"
#include "types/rubric_io.h"

#include <filesystem>

namespace rlrf::store {

NewProjectResult createProject(const NewProjectRequest &request)
{
    namespace fs = std::filesystem;
    if (request.task.empty())
        throw Error("the task name is empty", {{}, 0, "task"});
    if (!fs::is_directory(request.modelDir))
        throw Error("model folder does not exist", {request.modelDir, 0, {}});
    // The model loader reads the folder later; here only its shape is checked.
    if (!fs::is_regular_file(fs::path(request.modelDir) / "config.json"))
        throw Error("model folder has no config.json", {request.modelDir, 0, {}});
    if (fs::exists(request.path))
        throw Error("file already exists; refusing to overwrite it", {request.path, 0, {}});

    NewProjectResult result;
    const feedback::Rubric rubric = feedback::loadRubricFile(request.rubricPath, &result.warnings);

    Project project = Project::create(request.path, {request.task, request.modelDir, {}, 0});
    result.rubric = RubricRepository(project.db()).save(rubric);
    result.info = project.info();
    return result;
}

} // namespace rlrf::store
