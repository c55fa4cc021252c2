// SPDX-License-Identifier: GPL-3.0-or-later
// Tasks by the name a user types (`--task arith`). Torch-free.
#pragma once

#include "tasks/task.h"

#include <memory>
#include <string>
#include <vector>

namespace rlrf::tasks {

/// Throws rlrf::Error listing the known names for an unknown one.
std::unique_ptr<Task> makeTask(const std::string &name);

/// The names makeTask knows.
std::vector<std::string> taskNames();

} // namespace rlrf::tasks
