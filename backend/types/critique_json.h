// SPDX-License-Identifier: GPL-3.0-or-later
// A critique as JSON, the way the CLI prints it (keys in lower_snake):
// {"judge", "aspects": [{"aspect", "rating", "rationale"}], "overall", "reward",
//  "parse_status", "parse_error", "raw_output"}. A rating of 0 is "not applicable".
#pragma once

#include "types/critique.h"

#include <nlohmann/json.hpp>

namespace rlrf::feedback {

nlohmann::json critiqueToJson(const Critique &critique);

} // namespace rlrf::feedback
