// SPDX-License-Identifier: GPL-3.0-or-later
// A project ready for review and DPO: real arith word problems (the embedded demo
// task), for each a correct answer (the task's canonical solution) and a wrong one
// (the same with its final answer off by one), both rated by the arith rule judge,
// and one pending pair (correct over wrong) per problem. Every score comes from the
// real judge; the fixture writes rows through the public repositories only.
#pragma once

#include "store/project_file.h"

#include <QString>

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::test {

struct ReviewProject {
    std::int64_t rubricVersionId = 0;
    std::vector<std::int64_t> promptIds;
    std::vector<std::int64_t> pairIds;    // one per prompt, pending
    std::vector<std::string> correct;     // the canonical answers, by prompt
    std::vector<std::string> wrong;       // the wrong answers, by prompt
};

/// Fills a new project with `problems` train-split arith problems.
ReviewProject buildReviewProject(store::Project &project, int problems);

/// `canonical` with its "Answer: N" line changed to N + 1.
std::string wrongAnswer(const std::string &canonical);

} // namespace rlrf::test
