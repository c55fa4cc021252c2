// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/project/model_folder_summary.h"

#include "model/model_info.h"

namespace rlrf::pipeline {

std::string modelFolderSummary(const std::string &folder)
{
    return model::formatModelInfo(model::describeModelFolder(folder));
}

} // namespace rlrf::pipeline
