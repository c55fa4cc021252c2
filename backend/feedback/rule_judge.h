// Rule judges behind the common Judge interface: deterministic critiques computed
// from the task's own structure (the arith demo), no model involved.
#pragma once

#include "feedback/judge.h"

namespace rlrf::feedback {

class ArithRuleJudge : public Judge {
public:
    std::string id() const override;
    // Reads the problem back from the prompt text; throws rlrf::Error when the
    // prompt is not an arith story.
    Critique judge(const JudgeRequest &request, const Rubric &rubric) override;
};

} // namespace rlrf::feedback
