// SPDX-License-Identifier: GPL-3.0-or-later
// Judging a JSONL file of arith responses with the rule judge, one critique per
// record: what `rlrf judge --task arith` runs, kept here so the GUI and scripts
// can reach it too.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace rlrf::feedback {

/// Each non-blank line is {"prompt": story text} or {"prompt_id": id from
/// `rlrf task sample`}, plus "response": text. Calls `emit` with the critique
/// JSON (critique_json.h) plus "line" and whichever of "prompt_id" was given.
/// Throws rlrf::Error naming the file, line and field of the first bad record
/// (invalid JSON, missing or mistyped field, a prompt that is no arith story);
/// records before it have been emitted.
void judgeArithRecords(const std::string &path, const std::function<void(const nlohmann::json &)> &emit);

} // namespace rlrf::feedback
