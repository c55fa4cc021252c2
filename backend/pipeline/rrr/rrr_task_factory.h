// SPDX-License-Identifier: GPL-3.0-or-later
// The tasks Reflect-Retry-Reward runs on, by name: "arith" (generated),
// "countdown" (generated; a file of real problems, when given, is the test
// split) and "bfcl" (a BFCL "simple" questions file, required). Torch-free.
#pragma once

#include "tasks/task.h"

#include <memory>
#include <string>
#include <vector>

namespace rlrf::rrr {

const std::vector<std::string> &rrrTaskNames();

/// Throws rlrf::Error (field "task" or "data") for an unknown name, a missing
/// data file where one is required, or a bad file.
std::unique_ptr<tasks::Task> makeRrrTask(const std::string &name, const std::string &dataPath);

/// A BFCL task from its questions file and possible answers (an empty
/// `answersPath` means possible_answer/<same name> beside the questions).
/// Throws rlrf::Error naming the file and line of bad input.
std::unique_ptr<tasks::Task> bfclTaskFromFile(const std::string &questionsPath, const std::string &answersPath = {});

} // namespace rlrf::rrr
