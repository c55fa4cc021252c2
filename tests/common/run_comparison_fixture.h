// SPDX-License-Identifier: GPL-3.0-or-later
// A project with two RLRF pipeline runs whose evaluations are written by hand,
// so every number a comparison shows is known here: run `rlrf` (mode rlrf) and
// run `baseline` (mode reward_only), each with M0 and M1 evaluated on the test
// split (results and per-problem answers), and a third RLRF run that was never
// evaluated. The expected paired counts are worked out in the .cpp, problem by
// problem. Rows go through the public repositories only.
#pragma once

#include "store/project_file.h"

#include <cstdint>
#include <vector>

namespace rlrf::test {

struct RunComparisonProject {
    std::vector<std::int64_t> promptIds; // five arith problems
    std::int64_t rlrf = 0;               // the first run
    std::int64_t baseline = 0;           // the second run (rlrf run --baseline)
    std::int64_t unevaluated = 0;        // an RLRF run with no evaluation rows
};

/// Fills a new, empty project as described above.
RunComparisonProject buildRunComparisonProject(store::Project &project);

} // namespace rlrf::test
