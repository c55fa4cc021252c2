// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/arith_project_fixture.h"

#include "common/store_fixture.h"

#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/prompt_repository.h"
#include "store/rubric_repository.h"
#include "store/transaction.h"
#include "tasks/arith/arith_rule_judge.h"
#include "tasks/arith/arith_task.h"
#include "types/rubric_io.h"

namespace rlrf::test {
namespace {

std::string render(const std::vector<tasks::ArithStep> &steps)
{
    std::string text;
    for (const auto &s : steps)
        text += std::to_string(s.left) + " " + tasks::symbol(s.op) + " " + std::to_string(s.right) + " = "
            + std::to_string(s.result) + "\n";
    return text + "Answer: " + std::to_string(steps.empty() ? 0 : steps.back().result);
}

std::int64_t addCandidate(store::Database &db, std::int64_t promptId, const std::string &text, std::int64_t seed,
                          std::optional<std::int64_t> parent = {}, std::optional<std::int64_t> critique = {})
{
    store::CandidateRecord c;
    c.promptId = promptId;
    c.text = text;
    c.tokenCount = static_cast<std::int64_t>(text.size()); // byte-level tokenizer of the demo model
    c.samplingParamsJson = parent ? R"({"refine":true,"temperature":0.0})" : R"({"temperature":0.8,"top_p":0.95})";
    c.seed = seed;
    c.parentCandidateId = parent;
    c.critiqueUsedId = critique;
    return store::CandidateRepository(db).insert(c);
}

} // namespace

feedback::Rubric arithRubric()
{
    auto rubric = feedback::loadRubricFile(rubricPath(QStringLiteral("default.json")).toStdString());
    rubric.name = "arith";
    // Not applicable to arith, as the rule judge rates them (rule_judge_arith.h);
    // a person can then override one aspect on top of a judged critique.
    for (auto &aspect : rubric.aspects)
        if (aspect.name == "Metacognition" || aspect.name == "Insightfulness" || aspect.name == "Harmlessness")
            aspect.applies = false;
    return rubric;
}

std::string slippedAnswer(const std::string &prompt)
{
    auto steps = tasks::ArithTask::problemFromPrompt(prompt).steps;
    const size_t slip = steps.size() > 1 ? 1 : 0;
    steps[slip].result += 1;
    for (size_t i = slip + 1; i < steps.size(); ++i) {
        steps[i].left = steps[i - 1].result;
        steps[i].result = tasks::apply(steps[i].op, steps[i].left, steps[i].right).value_or(steps[i].left);
    }
    return render(steps);
}

std::string shortAnswer(const std::string &prompt)
{
    auto steps = tasks::ArithTask::problemFromPrompt(prompt).steps;
    if (steps.size() > 1)
        steps.pop_back();
    return render(steps);
}

ArithProjectIds buildArithProject(store::Project &project, int prompts, std::uint64_t seed)
{
    auto &db = project.db();
    ArithProjectIds ids;
    const auto rubric = arithRubric();
    ids.rubricVersionId = store::RubricRepository(db).save(rubric).id;
    const auto problems = tasks::ArithTask().generate(tasks::Split::Train, static_cast<size_t>(prompts), seed);

    store::Transaction tx(db);
    store::PromptRepository promptRepo(db);
    store::CritiqueRepository critiques(db);
    const auto set = promptRepo.createSet({0, "arith train", "jsonl", "arith-train.jsonl", {}});
    for (size_t i = 0; i < problems.size(); ++i) {
        const auto &problem = problems[i];
        const auto promptId = promptRepo.insert({0, set, problem.prompt, std::to_string(problem.answer()),
                                                 store::Split::Train, "arith-train.jsonl",
                                                 static_cast<std::int64_t>(i + 1), "{}"});
        ids.prompts.push_back(promptId);
        if (i + 1 == problems.size()) {
            ids.emptyPrompt = promptId;
            continue;
        }
        const std::string answers[] = {problem.canonical(), slippedAnswer(problem.prompt), shortAnswer(problem.prompt)};
        std::int64_t slippedId = 0, slippedCritique = 0;
        for (int k = 0; k < 3; ++k) {
            const auto candidateId = addCandidate(db, promptId, answers[k], static_cast<std::int64_t>(i * 10 + k));
            if (i + 2 == problems.size())
                continue; // this prompt's candidates stay unjudged
            const auto critiqueId =
                critiques.insert({candidateId, ids.rubricVersionId, feedback::judgeArith(problem, answers[k], rubric)});
            if (k == 1) {
                slippedId = candidateId;
                slippedCritique = critiqueId;
            }
        }
        if (i + 2 == problems.size()) {
            ids.unjudgedPrompt = promptId;
            continue;
        }
        const auto refined = addCandidate(db, promptId, problem.canonical(), static_cast<std::int64_t>(i * 10 + 9),
                                          slippedId, slippedCritique);
        critiques.insert({refined, ids.rubricVersionId, feedback::judgeArith(problem, problem.canonical(), rubric)});
        ids.refinements.push_back(refined);
        ++ids.judgedPrompts;
    }
    tx.commit();
    return ids;
}

} // namespace rlrf::test
