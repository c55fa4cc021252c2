// SPDX-License-Identifier: GPL-3.0-or-later
// BFCL exact match: a function call against the "ground_truth" of a BFCL
// possible-answer row ([{function_name: {param: [allowed values...]}}]).
//
// The rules, after BFCL's own AST checker (reimplemented here):
//   - the function name must be equal (case and dots included);
//   - every argument given must be a parameter of the answer; every parameter
//     whose allowed values do not include "" must be given ("" = may be omitted);
//   - a value must match one allowed value: strings after lower-casing and
//     removing spaces and , . / - _ * ^ (and ' read as "); integers only match
//     integers; a float allowed value also matches an equal integer; booleans and
//     null exactly; lists element by element in order; a dict allowed value
//     holds allowed-value lists per key, checked by the same rules;
//   - an empty list of allowed values means the empty list (BFCL's checker can
//     never match it; two live_simple rows have it for a required list).
// A ground truth with several calls is matched if any one of them matches (the
// "simple" categories have exactly one).
#pragma once

#include "tasks/bfcl/bfcl_call.h"
#include "tasks/task.h"

#include <nlohmann/json.hpp>

#include <string>

namespace rlrf::tasks {

/// BFCL's string normalisation (see above).
std::string bfclStandardize(const std::string &text);

Verdict matchBfclCall(const FunctionCall &call, const nlohmann::json &groundTruth);

/// parseFunctionCall (bfcl_call.h), then matchBfclCall.
Verdict verifyBfcl(const std::string &response, const nlohmann::json &groundTruth);

} // namespace rlrf::tasks
