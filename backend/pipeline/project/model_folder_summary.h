// SPDX-License-Identifier: GPL-3.0-or-later
// What the window shows about a model folder before a project is made on it:
// family, size, tokenizer, chat template (model/model_info), as readable text.
// The window reaches the model module only through here. Torch-free.
#pragma once

#include <string>

namespace rlrf::pipeline {

/// Throws rlrf::Error naming the folder and the file that is missing or bad.
std::string modelFolderSummary(const std::string &folder);

} // namespace rlrf::pipeline
