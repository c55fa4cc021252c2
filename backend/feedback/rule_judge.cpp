#include "feedback/rule_judge.h"

#include "tasks/arith/arith_rule_judge.h"
#include "tasks/arith/arith_task.h"

namespace rlrf::feedback {

std::string ArithRuleJudge::id() const
{
    return kArithJudgeName;
}

Critique ArithRuleJudge::judge(const JudgeRequest &request, const Rubric &rubric)
{
    return judgeArith(tasks::ArithTask::problemFromPrompt(request.prompt), request.response, rubric);
}

} // namespace rlrf::feedback
