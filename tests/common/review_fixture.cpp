// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/review_fixture.h"

#include "common/store_fixture.h"
#include "feedback/rule_judge.h"
#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/pair_repository.h"
#include "store/prompt_repository.h"
#include "store/rubric_repository.h"
#include "tasks/arith/arith_task.h"
#include "types/rubric_io.h"

#include <stdexcept>

namespace rlrf::test {

std::string wrongAnswer(const std::string &canonical)
{
    const auto at = canonical.rfind("Answer: ");
    if (at == std::string::npos)
        throw std::runtime_error("no Answer line in: " + canonical);
    const long value = std::stol(canonical.substr(at + 8));
    return canonical.substr(0, at) + "Answer: " + std::to_string(value + 1);
}

ReviewProject buildReviewProject(store::Project &project, int problems)
{
    auto &db = project.db();
    ReviewProject r;
    const auto rubric = feedback::loadRubricFile(rubricPath(QStringLiteral("default.json")).toStdString());
    r.rubricVersionId = store::RubricRepository(db).save(rubric).id;
    store::PromptRepository prompts(db);
    const auto set = prompts.createSet({0, "arith train", "arith", "arith", {}});
    store::CandidateRepository candidates(db);
    store::CritiqueRepository critiques(db);
    store::PairRepository pairs(db);
    feedback::ArithRuleJudge judge;
    const auto list = tasks::ArithTask().generate(tasks::Split::Train, static_cast<std::size_t>(problems), 7);
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto &problem = list[i];
        const auto promptId = prompts.insert({0, set, problem.prompt, std::to_string(problem.answer()),
                                              store::Split::Train, "arith", static_cast<std::int64_t>(i + 1), "{}"});
        r.promptIds.push_back(promptId);
        r.correct.push_back(problem.canonical());
        r.wrong.push_back(wrongAnswer(problem.canonical()));
        std::int64_t ids[2] = {0, 0};
        std::int64_t crit[2] = {0, 0};
        double overall[2] = {0, 0};
        const std::string texts[2] = {r.correct.back(), r.wrong.back()};
        for (int side = 0; side < 2; ++side) {
            store::CandidateRecord c;
            c.promptId = promptId;
            c.text = texts[side];
            c.tokenCount = static_cast<std::int64_t>(texts[side].size());
            c.seed = static_cast<std::int64_t>(i * 2 + static_cast<std::size_t>(side));
            ids[side] = candidates.insert(c);
            const auto critique = judge.judge({problem.prompt, texts[side], std::nullopt}, rubric);
            overall[side] = critique.overall;
            crit[side] = critiques.insert({ids[side], r.rubricVersionId, critique});
        }
        store::PairRecord p;
        p.promptId = promptId;
        p.chosenCandidateId = ids[0];
        p.rejectedCandidateId = ids[1];
        p.chosenCritiqueId = crit[0];
        p.rejectedCritiqueId = crit[1];
        p.rule = "best_worst";
        p.gap = overall[0] - overall[1];
        r.pairIds.push_back(pairs.insert(p));
    }
    return r;
}

} // namespace rlrf::test
