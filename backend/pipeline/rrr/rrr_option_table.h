// SPDX-License-Identifier: GPL-3.0-or-later
// The settings of `rlrf rrr` as one table over RrrRunRequest (task, data, model
// and output folders, and the RrrConfig): the CLI's options and help and the Run
// area's form are both built from it; the defaults are RrrConfig's own. Torch-free.
#pragma once

#include "pipeline/rrr/rrr_run.h"
#include "types/option_field.h"

#include <map>
#include <string>
#include <vector>

namespace rlrf::rrr {

using RrrOptionField = options::Field<RrrRunRequest>;

/// In the order `rlrf rrr --help` lists them. "task" is required.
const std::vector<RrrOptionField> &rrrOptionFields();

/// `request` with `values` (flag -> text) applied, then its config validate()d.
/// Throws rlrf::Error naming the field and `source`.
void applyRrrValues(const std::map<std::string, std::string> &values, RrrRunRequest &request,
                    const std::string &source = "rrr settings");

} // namespace rlrf::rrr
