// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/store_fixture.h"

#include "common/test_paths.h"
#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/pair_repository.h"
#include "store/prompt_repository.h"
#include "store/rubric_repository.h"
#include "types/rubric_io.h"

namespace rlrf::test {

const std::vector<std::string> &defaultAspectNames()
{
    static const std::vector<std::string> names{"Factuality", "Logical Correctness", "Metacognition",
                                                "Insightfulness", "Completeness", "Comprehension",
                                                "Readability", "Harmlessness"};
    return names;
}

feedback::Critique makeCritique(int rating, double overall, const std::string &judge)
{
    feedback::Critique c;
    for (const auto &name : defaultAspectNames())
        c.aspects.push_back({name, rating, "rated " + std::to_string(rating) + " on " + name});
    c.overall = overall;
    c.judge = judge;
    c.rawOutput = "raw output of " + judge;
    return c;
}

QString rubricPath(const QString &name)
{
    return sourceDir() + QStringLiteral("/rubrics/") + name;
}

SmallProject buildSmallProject(store::Project &project)
{
    auto &db = project.db();
    SmallProject s;
    s.rubricVersionId = store::RubricRepository(db)
                            .save(feedback::loadRubricFile(rubricPath(QStringLiteral("default.json")).toStdString()))
                            .id;
    store::PromptRepository prompts(db);
    const auto set = prompts.createSet({0, "fixture", "jsonl", "fixture.jsonl", {}});
    s.promptA = prompts.insert({0, set, "What is 2 + 3?", std::string("5"), store::Split::Train, "fixture.jsonl", 1, "{}"});
    s.promptB = prompts.insert({0, set, "What is 7 * 6?", std::string("42"), store::Split::Test, "fixture.jsonl", 2, "{}"});

    store::CandidateRepository candidates(db);
    store::CandidateRecord c;
    c.promptId = s.promptA;
    c.text = "2 + 3 = 5";
    c.tokenCount = 6;
    c.samplingParamsJson = R"({"temperature":0.8,"top_p":0.95})";
    c.seed = 11;
    s.candA1 = candidates.insert(c);
    c.text = "2 + 3 = 6";
    c.seed = 12;
    s.candA2 = candidates.insert(c);
    c.promptId = s.promptB;
    c.text = "42";
    c.tokenCount = 1;
    s.candB1 = candidates.insert(c);

    store::CritiqueRepository critiques(db);
    s.critA1 = critiques.insert({s.candA1, s.rubricVersionId, makeCritique(3, 1.0)});
    s.critA2 = critiques.insert({s.candA2, s.rubricVersionId, makeCritique(1, 0.0)});
    s.critB1 = critiques.insert({s.candB1, s.rubricVersionId, makeCritique(2, 0.5)});

    store::CandidateRecord r;
    r.promptId = s.promptA;
    r.iteration = 0;
    r.text = "Let me recheck: 2 + 3 = 5";
    r.tokenCount = 9;
    r.seed = 13;
    r.parentCandidateId = s.candA2;
    r.critiqueUsedId = s.critA2;
    s.refinedA2 = candidates.insert(r);
    s.critRefinedA2 = critiques.insert({s.refinedA2, s.rubricVersionId, makeCritique(3, 1.0)});

    store::PairRepository pairs(db);
    store::PairRecord p;
    p.promptId = s.promptA;
    p.chosenCandidateId = s.candA1;
    p.rejectedCandidateId = s.candA2;
    p.chosenCritiqueId = s.critA1;
    p.rejectedCritiqueId = s.critA2;
    p.rule = "best_worst";
    p.gap = 1.0;
    s.pairA = pairs.insert(p);
    p.chosenCandidateId = s.refinedA2;
    p.chosenCritiqueId = s.critRefinedA2;
    p.rule = "refined_vs_original";
    s.pairRefined = pairs.insert(p);
    return s;
}

} // namespace rlrf::test
