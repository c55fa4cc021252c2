// SPDX-License-Identifier: GPL-3.0-or-later
// Judging the candidates of chosen prompts with one judge against the project's
// current rubric and storing the critiques: what the Explorer's "Judge" action
// runs on the backend thread. Torch-free facade (a model judge loads its model
// inside the judge factory).
#pragma once

#include "core/run_context.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::store {
class Project;
}

namespace rlrf::pipeline {

struct PromptJudgingRequest {
    std::vector<std::int64_t> promptIds;
    std::string judgeSpec = "rule:arith"; // as judge_factory.h reads it
    bool onlyUnjudged = true;             // skip candidates that already have a critique
    std::size_t batchSize = 32;           // critiques stored per transaction
};

struct PromptJudgingSummary {
    std::int64_t judged = 0;
    std::int64_t parseFailures = 0;
    bool cancelled = false;
};

/// Reports progress (done, total, "critique") after each batch and stops between
/// batches when cancelled; critiques of finished batches stay stored. Throws
/// rlrf::Error when the project has no rubric, a prompt is missing, or the judge
/// spec is malformed.
PromptJudgingSummary judgePrompts(store::Project &project, const PromptJudgingRequest &request,
                                  const RunContext &context);

} // namespace rlrf::pipeline
