// SPDX-License-Identifier: GPL-3.0-or-later
// The settings of `rlrf run` as one table: flag, kind, range, help and how each
// reads and writes PipelineOptions. The CLI's options and help and the Run
// area's form are both built from it, and the defaults are PipelineOptions's
// own, so a default or a range is written once. Torch-free.
#pragma once

#include "pipeline/run/pipeline_options.h"
#include "types/option_field.h"

#include <map>
#include <string>
#include <vector>

namespace rlrf::pipeline {

using RunOptionField = options::Field<PipelineOptions>;

/// In the order `rlrf run --help` lists them. "baseline" chooses the mode.
const std::vector<RunOptionField> &runOptionFields();

/// Defaults with `values` (flag -> text) applied, then validate()d. Throws
/// rlrf::Error naming the field ("--flag", or the settings key for a rule that
/// spans fields) and `source`.
PipelineOptions runOptionsFromValues(const std::map<std::string, std::string> &values,
                                     const std::string &source = "run settings");

/// The flag -> text map that gives back `options` (only the table's fields).
std::map<std::string, std::string> runOptionValues(const PipelineOptions &options);

} // namespace rlrf::pipeline
