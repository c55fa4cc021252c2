// SPDX-License-Identifier: GPL-3.0-or-later
// The two stages the Explorer starts: judging a prompt's unjudged candidates
// (arith rule judge, on tests/common/arith_project_fixture; each stored critique
// equals the judge called directly on the same text) and sampling candidates
// with a model folder (stories260K converted from shared/data/models/stories260K:
// greedy from BOS reproduces llama2.c's reference ids, expected_greedy_n200_ids.txt),
// with progress, cancel and the errors for bad input.
#include "common/arith_project_fixture.h"
#include "common/error_assert.h"
#include "common/stories_fixture.h"

#include "model/text_model.h"
#include "pipeline/critique/prompt_judging.h"
#include "pipeline/sample/prompt_sampling.h"
#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/prompt_repository.h"
#include "tasks/arith/arith_rule_judge.h"
#include "tasks/arith/arith_task.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <fstream>

using namespace rlrf;

class TestPromptStages : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_model = test::convertStories260K(m_dir.filePath(QStringLiteral("stories260K")));
    }

    void judgingStoresTheRuleJudgesCritiques()
    {
        auto project = store::Project::create(path("judge"), {"arith", "models/arith-demo", {}, 0});
        const auto ids = test::buildArithProject(project, 5);
        std::vector<std::int64_t> progress;
        RunContext context;
        context.onProgress = [&](const Progress &p) { progress.push_back(p.done); };
        pipeline::PromptJudgingRequest request;
        request.promptIds = {ids.unjudgedPrompt, ids.prompts.front()}; // the second has critiques already
        request.batchSize = 2;
        const auto summary = pipeline::judgePrompts(project, request, context);
        QCOMPARE(summary.judged, 3);
        QCOMPARE(progress, (std::vector<std::int64_t>{0, 2, 3}));
        const auto prompt = store::PromptRepository(project.db()).byId(ids.unjudgedPrompt);
        const auto problem = tasks::ArithTask::problemFromPrompt(prompt.text);
        for (const auto &candidate : store::CandidateRepository(project.db()).forPrompt(ids.unjudgedPrompt)) {
            const auto stored = store::CritiqueRepository(project.db()).forCandidate(candidate.id);
            QCOMPARE(stored.size(), size_t(1));
            const auto expected = feedback::judgeArith(problem, candidate.text, test::arithRubric());
            QCOMPARE(stored[0].critique.overall, expected.overall);
            QCOMPARE(stored[0].critique.judge, std::string("rule:arith"));
            QCOMPARE(stored[0].critique.aspects.size(), expected.aspects.size());
        }
        QCOMPARE(pipeline::judgePrompts(project, request, {}).judged, 0); // nothing left to judge
        request.judgeSpec = "oracle:arith";
        RLRF_VERIFY_THROWS_WITH(pipeline::judgePrompts(project, request, {}), "unknown judge 'oracle:arith'");
        request.judgeSpec = "rule:arith";
        request.promptIds = {99999};
        RLRF_VERIFY_THROWS_WITH(pipeline::judgePrompts(project, request, {}), "prompt 99999 does not exist");
    }

    void judgingNeedsARubric()
    {
        auto project = store::Project::create(path("norubric"), {"arith", "models/arith-demo", {}, 0});
        RLRF_VERIFY_THROWS_WITH(pipeline::judgePrompts(project, {}, {}), "no rubric");
    }

    void greedySamplingMatchesTheReference()
    {
        auto project = store::Project::create(path("greedy"), {"tinystories", m_model, {}, 0});
        store::PromptRepository prompts(project.db());
        const auto set = prompts.createSet({0, "stories", "jsonl", "stories.jsonl", {}});
        const auto promptId = prompts.insert({0, set, "", {}, store::Split::Train, "stories.jsonl", 1, "{}"});
        pipeline::PromptSamplingRequest request;
        request.promptIds = {promptId};
        request.samplesPerPrompt = 1;
        request.temperature = 0.0;
        request.maxNewTokens = 40;
        const auto summary = pipeline::samplePrompts(project, request, {});
        QCOMPARE(summary.candidates, 1);
        const auto stored = store::CandidateRepository(project.db()).forPrompt(promptId);
        QCOMPARE(stored.size(), size_t(1));
        QCOMPARE(stored[0].tokenCount, 40);
        std::ifstream in(test::stories260KFile(QStringLiteral("expected_greedy_n200_ids.txt")));
        std::vector<std::int64_t> expected;
        for (std::int64_t id; in >> id && expected.size() < 41;)
            expected.push_back(id);
        QCOMPARE(expected.front(), 1); // the file starts with BOS
        expected.erase(expected.begin());
        const auto model = model::TextModel::load(m_model);
        QCOMPARE(stored[0].text, model.decode(expected));
        QVERIFY(stored[0].samplingParamsJson.find("\"temperature\":0.0") != std::string::npos);
    }

    void samplingStoresEverySampleAndStopsWhenCancelled()
    {
        auto project = store::Project::create(path("sample"), {"tinystories", m_model, {}, 0});
        store::PromptRepository prompts(project.db());
        const auto set = prompts.createSet({0, "stories", "jsonl", "stories.jsonl", {}});
        std::vector<std::int64_t> ids;
        for (const char *text : {"Once upon a time", "Lily had a red ball"})
            ids.push_back(prompts.insert({0, set, text, {}, store::Split::Train, "stories.jsonl", 1, "{}"}));
        pipeline::PromptSamplingRequest request;
        request.promptIds = ids;
        request.samplesPerPrompt = 3;
        request.maxNewTokens = 12;
        std::vector<std::string> stages;
        RunContext context;
        context.onProgress = [&](const Progress &p) { stages.push_back(p.stage + ":" + std::to_string(p.done)); };
        QCOMPARE(pipeline::samplePrompts(project, request, context).candidates, 6);
        QCOMPARE(stages, (std::vector<std::string>{"load model:0", "sample:0", "sample:1", "sample:2"}));
        store::CandidateRepository candidates(project.db());
        QCOMPARE(candidates.forPrompt(ids[1]).size(), size_t(3));
        QCOMPARE(candidates.forPrompt(ids[1]).front().seed, 2); // seed 1 + prompt index 1

        RunContext cancelled;
        cancelled.cancel.requestStop();
        const auto summary = pipeline::samplePrompts(project, request, cancelled);
        QVERIFY(summary.cancelled);
        QCOMPARE(summary.candidates, 0);
        QCOMPARE(candidates.count(), 6);

        request.samplesPerPrompt = 0;
        RLRF_VERIFY_THROWS_WITH(pipeline::samplePrompts(project, request, {}), "at least 1");
        request.samplesPerPrompt = 1;
        request.modelDir = m_dir.path().toStdString(); // not a model folder
        RLRF_VERIFY_THROWS_WITH(pipeline::samplePrompts(project, request, {}), "in the model folder");
    }

private:
    std::string path(const char *name) { return m_dir.filePath(QString::fromLatin1(name) + QStringLiteral(".rlrf")).toStdString(); }

    QTemporaryDir m_dir;
    std::string m_model;
};

QTEST_GUILESS_MAIN(TestPromptStages)
#include "tst_prompt_stages.moc"
