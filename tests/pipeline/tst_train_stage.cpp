// SPDX-License-Identifier: GPL-3.0-or-later
// The train stage on stories260K with pairs written by hand into the store: only
// approved and edited pairs are trained on, the first DPO step's loss is ln 2
// (the policy starts as its own reference), M1 is registered as a checkpoint
// whose parent is M0 with its DPO run and metrics, a DPO stopped after step 2 of 4
// registers nothing and the next attempt continues it from its checkpoint (steps
// 3 and 4 only), and a finished stage is not trained again. A rejected answer
// whose critique cites the line of its first mistake is trained only up to that
// line. Before DPO, a supervised pass over the distinct chosen answers runs once
// and DPO starts from its model, which is also DPO's reference. The M_i passed
// in is trained in place, never loaded again: the stage hands back M_{i+1} with
// exactly the weights of its saved folder, and M_i's folder is not written.
#include "common/pipeline_fixture.h"

#include "core/json_io.h"
#include "feedback/judge_factory.h"
#include "model/text_model.h"
#include "pipeline/run/run_setup.h"
#include "pipeline/train/dpo_stage.h"
#include "pipeline/train/sft_stage.h"
#include "store/candidate_repository.h"
#include "store/checkpoint_repository.h"
#include "store/critique_repository.h"
#include "store/metric_repository.h"
#include "store/pair_repository.h"
#include "store/project_file.h"
#include "store/prompt_repository.h"
#include "store/rubric_repository.h"
#include "store/run_repository.h"
#include "store/transaction.h"
#include "tasks/arith/arith_flaws.h"
#include "tasks/arith/arith_task.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>

using namespace rlrf;
namespace stages = rlrf::pipeline::stages;

namespace {

// The summed log-probs of each pair's chosen and rejected answer: two models
// with the same weights give exactly the same numbers.
std::vector<float> pairScores(const model::TextModel &model, const std::vector<train::DpoPair> &pairs)
{
    std::vector<std::vector<std::int64_t>> prompts, completions;
    for (const auto &p : pairs) {
        prompts.insert(prompts.end(), {p.prompt, p.prompt});
        completions.insert(completions.end(), {p.chosen, p.rejected});
    }
    std::vector<float> sums;
    for (const auto &values : model.policy().scoreCompletions(prompts, completions)) {
        float sum = 0.0f;
        for (const auto v : values)
            sum += v;
        sums.push_back(sum);
    }
    return sums;
}

std::string fileBytes(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

class TestTrainStage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void trainsApprovedPairsAndRegistersTheCheckpoint()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto fixture = test::makePipelineProject(dir.path(), QStringLiteral("train"), 4, 0);
        auto project = store::Project::open(fixture.path);
        auto options = test::tinyOptions();
        options.dpo.learningRate = 1e-3;
        options.dpo.batchSize = 1; // 2 pairs, 2 epochs: 4 steps
        options.dpo.epochs = 2;
        const auto run = pipeline::openRun(project, options, false);
        const auto base = pipeline::ensureBaseCheckpoint(project, fixture.modelDir);
        QCOMPARE(pipeline::ensureBaseCheckpoint(project, fixture.modelDir), base); // once only

        // Per prompt two answers and a pair between them, in four review states.
        store::PromptRepository prompts(project.db());
        store::CandidateRepository candidates(project.db());
        store::PairRepository pairs(project.db());
        store::StageRepository progress(project.db());
        const store::StageKey pairsKey{run.runId, 0, stages::kPairs};
        const store::ReviewState states[] = {store::ReviewState::Approved, store::ReviewState::Pending,
                                             store::ReviewState::Rejected, store::ReviewState::Approved};
        store::RubricRepository rubrics(project.db());
        const auto rubric = rubrics.load(*rubrics.current());
        auto judge = feedback::makeJudge("rule:arith");
        store::CritiqueRepository critiques(project.db());
        int index = 0;
        for (const auto &p : prompts.page({0, 10, "id", false, std::nullopt})) {
            store::Transaction tx(project.db());
            // The last pair's chosen answer is right but skips its steps: its
            // critique is not top, so the supervised pass leaves it out.
            const auto goodText = index == 3 ? "Answer: " + *p.referenceAnswer
                                             : tasks::ArithTask::problemFromPrompt(p.text).canonical();
            store::CandidateRecord good{0, p.id, 0, base, goodText, 2, "{}", 1, {}, {}, {}};
            store::CandidateRecord bad{0, p.id, 0, base, "Answer: 1000", 2, "{}", 1, {}, {}, {}};
            store::PairRecord pair;
            pair.promptId = p.id;
            pair.chosenCandidateId = candidates.insert(good);
            pair.rejectedCandidateId = candidates.insert(bad);
            pair.chosenCritiqueId = critiques.insert(
                {pair.chosenCandidateId, std::nullopt, judge->judge({p.text, goodText, p.referenceAnswer}, rubric)});
            pair.rule = "best_worst";
            pair.gap = 1.0;
            const auto id = pairs.insert(pair);
            if (states[index] != store::ReviewState::Pending)
                pairs.setReviewState(id, states[index], "tester");
            if (index == 3)
                pairs.editText(id, store::PairSide::Chosen, "Answer: " + *p.referenceAnswer + "\n", "tester");
            progress.record(pairsKey, p.id, id);
            tx.commit();
            ++index;
        }

        auto model = model::TextModel::load(fixture.modelDir);
        RunContext context;
        pipeline::StageEnv env{project, run.runId, 0, run.options, context, *judge, rubric, std::nullopt, &model, base};
        const auto dpoPairs = pipeline::approvedDpoPairs(env);
        QCOMPARE(dpoPairs.size(), std::size_t(2)); // approved + edited
        QCOMPARE(pipeline::promisingExamples(env, pipeline::approvedPairs(env)).size(), std::size_t(1));

        const auto folder = pipeline::iterationFolder(project, run.runId, 1);
        store::CheckpointRepository checkpoints(project.db());
        store::RunRepository runs(project.db());
        const auto m0Scores = pairScores(model, dpoPairs);
        const auto m0Weights = fileBytes(fixture.modelDir + "/model.safetensors");

        // Stopped after step 2: nothing registered, the stage stays undone, the DPO
        // run says cancelled and left a resumable checkpoint.
        RunContext stopped;
        auto stop = stopped.cancel;
        stopped.onProgress = [stop](const Progress &p) mutable {
            if (p.stage == "dpo" && p.done == 2)
                stop.requestStop();
        };
        pipeline::StageEnv stoppedEnv{project, run.runId, 0, run.options, stopped, *judge, rubric, std::nullopt, &model, base};
        const auto cancelled = pipeline::runTrainStage(stoppedEnv, fixture.modelDir, folder);
        QVERIFY2(cancelled.outcome == Outcome::Cancelled, cancelled.message.c_str());
        QCOMPARE(checkpoints.list().size(), std::size_t(1)); // M0 only
        QVERIFY(!progress.isDone({run.runId, 0, stages::kTrain}));
        const auto stoppedRun = runs.list().back();
        QVERIFY(stoppedRun.status == store::RunStatus::Cancelled);
        QVERIFY(std::filesystem::exists(folder + "/checkpoint-2/optimizer.pt"));
        store::MetricRepository metrics(project.db());
        const auto stoppedLoss = metrics.series(stoppedRun.id, "dpo/loss");
        QCOMPARE(stoppedLoss.size(), std::size_t(2));
        // Policy = reference at the first step: every margin is 0, the loss ln 2.
        QVERIFY2(std::abs(stoppedLoss.front().value - std::log(2.0)) < 1e-5, std::to_string(stoppedLoss.front().value).c_str());
        // The supervised pass and the two steps trained the M0 passed in, in place.
        QVERIFY(pairScores(model, dpoPairs) != m0Scores);
        QVERIFY(!cancelled.model);

        // Its weights are the stopped attempt's now: the next attempt gets M0 again.
        model = model::TextModel::load(fixture.modelDir);
        QCOMPARE(pairScores(model, dpoPairs), m0Scores);
        const auto trained = pipeline::runTrainStage(env, fixture.modelDir, folder);
        QVERIFY2(trained.outcome == Outcome::Succeeded, trained.message.c_str());
        QCOMPARE(trained.pairs, 2);
        QVERIFY(std::filesystem::exists(trained.checkpointPath + "/config.json"));
        QVERIFY(std::filesystem::exists(trained.checkpointPath + "/tokenizer.json"));
        // M1 comes back in memory, the same to the bit as its folder read back.
        QVERIFY(trained.model.has_value());
        QCOMPARE(trained.model->folder(), trained.checkpointPath);
        QCOMPARE(pairScores(*trained.model, dpoPairs), pairScores(model::TextModel::load(trained.checkpointPath), dpoPairs));
        QVERIFY(pairScores(*trained.model, dpoPairs) != m0Scores);
        QCOMPARE(fileBytes(fixture.modelDir + "/model.safetensors"), m0Weights); // M0's folder untouched

        const auto m1 = checkpoints.byId(trained.checkpointId);
        QCOMPARE(m1.iteration, 1);
        QCOMPARE(m1.parentId.value_or(-1), base);
        QCOMPARE(m1.path, trained.checkpointPath);
        QCOMPARE(checkpoints.lineage(m1.id).size(), std::size_t(2));
        QVERIFY(m1.runId.has_value());
        const auto dpoRun = runs.byId(*m1.runId);
        QVERIFY(dpoRun.kind == store::RunKind::Dpo);
        QVERIFY(dpoRun.status == store::RunStatus::Succeeded);
        QCOMPARE(dpoRun.iteration, 1);

        // The second attempt continued the stopped run: steps 3 and 4 only.
        const auto loss = metrics.series(dpoRun.id, "dpo/loss");
        QCOMPARE(loss.size(), std::size_t(2));
        QCOMPARE(loss.front().step, std::int64_t(3));
        QCOMPARE(loss.back().step, std::int64_t(4));
        QCOMPARE(json::readFile(trained.checkpointPath + "/trainer_state.json")["log_history"].size(), std::size_t(4));
        QVERIFY(!metrics.series(dpoRun.id, "dpo/logps/chosen").empty());
        QVERIFY(!metrics.series(dpoRun.id, "dpo/logps/rejected").empty());
        QVERIFY(progress.isDone({run.runId, 0, stages::kTrain}));

        // The supervised pass ran once, before DPO, on the one fully right chosen answer, and
        // DPO started from its model.
        std::vector<store::RunRecord> sftRuns;
        for (const auto &r : runs.list())
            if (r.kind == store::RunKind::Sft)
                sftRuns.push_back(r);
        QCOMPARE(sftRuns.size(), std::size_t(1));
        QVERIFY(sftRuns.front().status == store::RunStatus::Succeeded);
        QCOMPARE(sftRuns.front().iteration, 1);
        QCOMPARE(nlohmann::json::parse(sftRuns.front().hyperParametersJson)["examples"].get<int>(), 1);
        QVERIFY(!metrics.series(sftRuns.front().id, "sft/loss").empty());
        QVERIFY(progress.isDone({run.runId, 0, stages::kSft}));
        QCOMPARE(nlohmann::json::parse(dpoRun.hyperParametersJson)["policy"].get<std::string>(), folder + "-sft/final");
        QVERIFY(std::filesystem::exists(folder + "-sft/final/model.safetensors"));

        // Done is done: the same checkpoint comes back, nothing is trained again.
        const auto runCount = runs.list().size();
        const auto again = pipeline::runTrainStage(env, fixture.modelDir, folder);
        QCOMPARE(again.checkpointId, trained.checkpointId);
        QCOMPARE(runs.list().size(), runCount);
        QVERIFY(!again.model);
    }

    // Each (prompt, chosen answer) is learned once, however many pairs share it.
    void supervisedExamplesAreTheDistinctChosenAnswers()
    {
        const std::vector<train::DpoPair> pairs = {
            {{1, 2}, {5, 6, 0}, {7, 0}}, {{1, 2}, {5, 6, 0}, {8, 0}}, {{1, 3}, {5, 6, 0}, {7, 0}}, {{1, 2}, {9, 0}, {7, 0}}};
        const auto examples = pipeline::chosenExamples(pairs);
        QCOMPARE(examples.size(), std::size_t(3));
        QCOMPARE(examples[0].promptIds, (std::vector<std::int64_t>{1, 2}));
        QCOMPARE(examples[0].answerIds, (std::vector<std::int64_t>{5, 6, 0}));
        QCOMPARE(examples[1].promptIds, (std::vector<std::int64_t>{1, 3}));
        QCOMPARE(examples[2].answerIds, (std::vector<std::int64_t>{9, 0}));
    }

    // Promising: parsed, not failed by the verifier, and every aspect at the top
    // (RLRF); the baseline's scalar alone where it has one.
    void promisingMeansFullyRightOrTheBaselinesScalar()
    {
        using pipeline::PipelineMode;
        feedback::Critique c;
        c.overall = 1.0;
        QVERIFY(pipeline::isPromising(PipelineMode::Rlrf, c)); // no verifier: the aspects decide
        c.reward = 1.0;
        QVERIFY(pipeline::isPromising(PipelineMode::Rlrf, c));
        c.overall = 0.9;
        QVERIFY(!pipeline::isPromising(PipelineMode::Rlrf, c)); // right number, a flawed step
        QVERIFY(pipeline::isPromising(PipelineMode::RewardOnly, c));
        c.reward = 0.0;
        c.overall = 1.0;
        QVERIFY(!pipeline::isPromising(PipelineMode::Rlrf, c));
        QVERIFY(!pipeline::isPromising(PipelineMode::RewardOnly, c));
        c.reward.reset();
        c.parseStatus = feedback::ParseStatus::Failed;
        QVERIFY(!pipeline::isPromising(PipelineMode::Rlrf, c));
    }

    // sft_source "pool": the pass learns every promising answer of the
    // iteration's pool, paired or not, refinements included in RLRF mode, each
    // once; never the chosen answer of a pair a person rejected. Prompt 0: a fully
    // right sample, chosen by an approved pair. Prompt 1: a wrong sample and its
    // fully right refinement, no pair. Prompt 2: a fully right sample that a
    // person rejected as a pair's chosen answer.
    void poolSourceLearnsEveryPromisingAnswerButNotRejectedOnes()
    {
        for (const auto mode : {pipeline::PipelineMode::Rlrf, pipeline::PipelineMode::RewardOnly}) {
            QTemporaryDir dir;
            QVERIFY(dir.isValid());
            const auto fixture = test::makePipelineProject(dir.path(), QStringLiteral("pool"), 3, 0);
            auto options = test::tinyOptions();
            options.mode = mode;
            options.sftSource = "pool";
            const auto setup = test::makeStageSetup(fixture, options);
            auto &project = setup->project;
            const auto runId = setup->run.runId;
            store::CandidateRepository candidates(project.db());
            store::CritiqueRepository critiques(project.db());
            store::PairRepository pairs(project.db());
            store::StageRepository progress(project.db());
            int index = 0;
            for (const auto &p : store::PromptRepository(project.db()).page({0, 10, "id", false, std::nullopt})) {
                store::Transaction tx(project.db());
                const auto right = tasks::ArithTask::problemFromPrompt(p.text).canonical();
                const auto rate = [&](std::int64_t candidate, const std::string &text, const char *stage) {
                    const auto id = critiques.insert(
                        {candidate, std::nullopt, setup->judge->judge({p.text, text, p.referenceAnswer}, setup->rubric)});
                    progress.record({runId, 0, stage}, p.id, id);
                    return id;
                };
                const auto sampleText = index == 1 ? std::string("Answer: 1000") : right;
                const auto sample = candidates.insert({0, p.id, 0, setup->base, sampleText, 2, "{}", 1, {}, {}, {}});
                const auto sampleCritique = rate(sample, sampleText, stages::kCritique);
                if (index == 1) {
                    const auto refined = candidates.insert(
                        {0, p.id, 0, setup->base, right, 2, "{}", 1, sample, sampleCritique, {}});
                    rate(refined, right, stages::kCritiqueRefined);
                } else {
                    const auto wrong = candidates.insert({0, p.id, 0, setup->base, "Answer: 1000", 2, "{}", 1, {}, {}, {}});
                    store::PairRecord pair;
                    pair.promptId = p.id;
                    pair.chosenCandidateId = sample;
                    pair.rejectedCandidateId = wrong;
                    pair.chosenCritiqueId = sampleCritique;
                    pair.rule = "best_worst";
                    pair.gap = 1.0;
                    const auto id = pairs.insert(pair);
                    pairs.setReviewState(id, index == 0 ? store::ReviewState::Approved : store::ReviewState::Rejected,
                                         "tester");
                    progress.record({runId, 0, stages::kPairs}, p.id, id);
                }
                tx.commit();
                ++index;
            }
            const auto env = setup->env();
            const auto approved = pipeline::approvedPairs(env);
            QCOMPARE(pipeline::promisingExamples(env, approved).size(), std::size_t(1));
            const auto examples = pipeline::poolExamples(env, approved);
            // The baseline has no refinements: its pool is the samples.
            QCOMPARE(examples.size(), std::size_t(mode == pipeline::PipelineMode::Rlrf ? 2 : 1));
            QCOMPARE(examples.front().answerIds, approved.front().tokens.chosen);
            QCOMPARE(examples.front().promptIds, approved.front().tokens.prompt);
        }
    }

    // sft.epochs 0: no supervised pass, DPO starts from M_i.
    void withoutTheSupervisedPassDpoStartsFromTheIterationsModel()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto fixture = test::makePipelineProject(dir.path(), QStringLiteral("nosft"), 2, 0);
        auto options = test::tinyOptions();
        options.sft.epochs = 0;
        const auto setup = test::makeStageSetup(fixture, options);
        auto &project = setup->project;
        const auto runId = setup->run.runId;
        const auto base = setup->base;
        store::PromptRepository prompts(project.db());
        store::CandidateRepository candidates(project.db());
        store::PairRepository pairs(project.db());
        store::StageRepository progress(project.db());
        for (const auto &p : prompts.page({0, 10, "id", false, std::nullopt})) {
            store::Transaction tx(project.db());
            store::PairRecord pair;
            pair.promptId = p.id;
            pair.chosenCandidateId = candidates.insert({0, p.id, 0, base, "Answer: " + *p.referenceAnswer, 2, "{}", 1, {}, {}, {}});
            pair.rejectedCandidateId = candidates.insert({0, p.id, 0, base, "Answer: 1000", 2, "{}", 1, {}, {}, {}});
            pair.rule = "best_worst";
            pair.gap = 1.0;
            const auto id = pairs.insert(pair);
            pairs.setReviewState(id, store::ReviewState::Approved, "tester");
            progress.record({runId, 0, stages::kPairs}, p.id, id);
            tx.commit();
        }
        const auto folder = pipeline::iterationFolder(project, runId, 1);
        const auto dpoPairs = pipeline::approvedDpoPairs(setup->env());
        const auto trained = pipeline::runTrainStage(setup->env(), fixture.modelDir, folder);
        QVERIFY2(trained.outcome == Outcome::Succeeded, trained.message.c_str());
        // DPO trained the M0 the driver holds, in place: no copy of it was loaded,
        // and what comes back shares its weights, which are M1's folder's.
        QVERIFY(trained.model.has_value());
        const auto m1Scores = pairScores(model::TextModel::load(trained.checkpointPath), dpoPairs);
        QCOMPARE(pairScores(*trained.model, dpoPairs), m1Scores);
        QCOMPARE(pairScores(setup->model, dpoPairs), m1Scores);
        QVERIFY(pairScores(model::TextModel::load(fixture.modelDir), dpoPairs) != m1Scores);
        store::RunRepository runs(project.db());
        for (const auto &r : runs.list())
            QVERIFY(r.kind != store::RunKind::Sft);
        const auto dpoRun = runs.byId(*store::CheckpointRepository(project.db()).byId(trained.checkpointId).runId);
        QCOMPARE(nlohmann::json::parse(dpoRun.hyperParametersJson)["policy"].get<std::string>(), fixture.modelDir);
        QVERIFY(!std::filesystem::exists(folder + "-sft"));
    }

    // The "supervised pass only" ablation: no DPO run, M1 is the pass's model,
    // registered with the pass's run, handed back in memory with its folder's
    // weights; done is done.
    void withoutDpoTheSupervisedPassesModelIsTheNextModel()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto fixture = test::makePipelineProject(dir.path(), QStringLiteral("nodpo"), 2, 0);
        auto options = test::tinyOptions();
        options.dpoPass = false;
        options.sftSource = "pairs";
        options.sft.learningRate = 1e-3;
        const auto setup = test::makeStageSetup(fixture, options);
        auto &project = setup->project;
        const auto runId = setup->run.runId;
        const auto base = setup->base;
        store::PromptRepository prompts(project.db());
        store::CandidateRepository candidates(project.db());
        store::CritiqueRepository critiques(project.db());
        store::PairRepository pairs(project.db());
        store::StageRepository progress(project.db());
        for (const auto &p : prompts.page({0, 10, "id", false, std::nullopt})) {
            store::Transaction tx(project.db());
            const auto goodText = tasks::ArithTask::problemFromPrompt(p.text).canonical();
            store::PairRecord pair;
            pair.promptId = p.id;
            pair.chosenCandidateId = candidates.insert({0, p.id, 0, base, goodText, 2, "{}", 1, {}, {}, {}});
            pair.rejectedCandidateId = candidates.insert({0, p.id, 0, base, "Answer: 1000", 2, "{}", 1, {}, {}, {}});
            pair.chosenCritiqueId = critiques.insert(
                {pair.chosenCandidateId, std::nullopt, setup->judge->judge({p.text, goodText, p.referenceAnswer}, setup->rubric)});
            pair.rule = "best_worst";
            pair.gap = 1.0;
            const auto id = pairs.insert(pair);
            pairs.setReviewState(id, store::ReviewState::Approved, "tester");
            progress.record({runId, 0, stages::kPairs}, p.id, id);
            tx.commit();
        }
        const auto folder = pipeline::iterationFolder(project, runId, 1);
        const auto dpoPairs = pipeline::approvedDpoPairs(setup->env());
        const auto m0Scores = pairScores(setup->model, dpoPairs);
        const auto trained = pipeline::runTrainStage(setup->env(), fixture.modelDir, folder);
        QVERIFY2(trained.outcome == Outcome::Succeeded, trained.message.c_str());
        QCOMPARE(trained.checkpointPath, folder + "-sft/final");
        QVERIFY(!std::filesystem::exists(folder + "/final"));
        QVERIFY(trained.model.has_value());
        const auto m1Scores = pairScores(model::TextModel::load(trained.checkpointPath), dpoPairs);
        QCOMPARE(pairScores(*trained.model, dpoPairs), m1Scores);
        QVERIFY(m1Scores != m0Scores);
        store::RunRepository runs(project.db());
        for (const auto &r : runs.list())
            QVERIFY(r.kind != store::RunKind::Dpo);
        store::CheckpointRepository checkpoints(project.db());
        const auto m1 = checkpoints.byId(trained.checkpointId);
        QCOMPARE(m1.iteration, 1);
        QCOMPARE(m1.parentId.value_or(-1), base);
        QVERIFY(m1.runId.has_value());
        QVERIFY(runs.byId(*m1.runId).kind == store::RunKind::Sft);
        QVERIFY(progress.isDone({runId, 0, stages::kTrain}));

        const auto runCount = runs.list().size();
        const auto again = pipeline::runTrainStage(setup->env(), fixture.modelDir, folder);
        QVERIFY2(again.outcome == Outcome::Succeeded, again.message.c_str());
        QCOMPARE(again.checkpointId, trained.checkpointId);
        QCOMPARE(again.checkpointPath, trained.checkpointPath);
        QCOMPARE(runs.list().size(), runCount);
    }

    // The rule judge cites the slipped step's line; DPO then sees the rejected
    // answer up to that line, without EOS. Not for an edited pair, not with the
    // option off, not in the reward-only baseline.
    void rejectedAnswerEndsAtItsFirstFlaw()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto fixture = test::makePipelineProject(dir.path(), QStringLiteral("cut"), 3, 0);
        auto project = store::Project::open(fixture.path);
        auto options = test::tinyOptions();
        const auto run = pipeline::openRun(project, options, false);
        const auto base = pipeline::ensureBaseCheckpoint(project, fixture.modelDir);
        store::RubricRepository rubrics(project.db());
        const auto rubric = rubrics.load(*rubrics.current());
        auto judge = feedback::makeJudge("rule:arith");

        store::PromptRepository prompts(project.db());
        store::CandidateRepository candidates(project.db());
        store::CritiqueRepository critiques(project.db());
        store::PairRepository pairs(project.db());
        store::StageRepository progress(project.db());
        std::mt19937_64 rng(3);
        std::vector<std::string> expectedCut;
        std::vector<std::int64_t> pairIds;
        for (const auto &p : prompts.page({0, 10, "id", false, std::nullopt})) {
            const auto problem = tasks::ArithTask::problemFromPrompt(p.text);
            std::optional<std::string> flawed;
            while (!flawed)
                flawed = demo::flawedAnswer(problem, demo::FlawKind::ArithmeticSlip, rng);
            store::Transaction tx(project.db());
            store::CandidateRecord good{0, p.id, 0, base, problem.canonical(), 2, "{}", 1, {}, {}, {}};
            store::CandidateRecord bad{0, p.id, 0, base, *flawed, 2, "{}", 1, {}, {}, {}};
            store::PairRecord pair;
            pair.promptId = p.id;
            pair.chosenCandidateId = candidates.insert(good);
            pair.rejectedCandidateId = candidates.insert(bad);
            pair.chosenCritiqueId = critiques.insert({pair.chosenCandidateId, std::nullopt,
                                                      judge->judge({p.text, problem.canonical(), std::nullopt}, rubric)});
            const auto critique = judge->judge({p.text, *flawed, std::nullopt}, rubric);
            pair.rejectedCritiqueId = critiques.insert({pair.rejectedCandidateId, std::nullopt, critique});
            pair.rule = "best_worst";
            pair.gap = 0.1;
            const auto id = pairs.insert(pair);
            pairs.setReviewState(id, store::ReviewState::Approved, "tester");
            progress.record({run.runId, 0, stages::kPairs}, p.id, id);
            tx.commit();
            pairIds.push_back(id);
            // The slip's line: the first line that differs from the canonical answer.
            std::stringstream a(problem.canonical()), b(*flawed);
            std::string kept, la, lb;
            while (std::getline(a, la) && std::getline(b, lb)) {
                kept += (kept.empty() ? "" : "\n") + lb;
                if (la != lb)
                    break;
            }
            expectedCut.push_back(kept);
        }
        QCOMPARE(pairIds.size(), std::size_t(3));
        pairs.editText(pairIds[2], store::PairSide::Rejected, "Answer: 1", "tester");

        const auto model = model::TextModel::load(fixture.modelDir);
        RunContext context;
        auto eos = [&](const std::string &text) {
            auto ids = model.encode(text);
            ids.push_back(model.policy().config().eosTokenIds.front());
            return ids;
        };
        {
            pipeline::StageEnv env{project, run.runId, 0, options, context, *judge, rubric, std::nullopt, &model, base};
            const auto trained = pipeline::approvedDpoPairs(env);
            QCOMPARE(trained.size(), std::size_t(3));
            for (int i : {0, 1}) {
                QVERIFY2(expectedCut[i].find('\n') != std::string::npos || expectedCut[i].size() > 0, expectedCut[i].c_str());
                QCOMPARE(trained[i].rejected, model.encode(expectedCut[i]));
                QVERIFY(trained[i].rejected.size() < eos(pairs.byId(pairIds[i]).rejectedText).size());
                QCOMPARE(trained[i].chosen, eos(pairs.byId(pairIds[i]).chosenText));
            }
            QCOMPARE(trained[2].rejected, eos("Answer: 1")); // edited: the critique is of the old text
        }
        options.cutRejectedAtFlaw = false;
        {
            pipeline::StageEnv env{project, run.runId, 0, options, context, *judge, rubric, std::nullopt, &model, base};
            QCOMPARE(pipeline::approvedDpoPairs(env)[0].rejected, eos(pairs.byId(pairIds[0]).rejectedText));
        }
        options.cutRejectedAtFlaw = true;
        options.mode = pipeline::PipelineMode::RewardOnly;
        {
            pipeline::StageEnv env{project, run.runId, 0, options, context, *judge, rubric, std::nullopt, &model, base};
            QCOMPARE(pipeline::approvedDpoPairs(env)[1].rejected, eos(pairs.byId(pairIds[1]).rejectedText));
        }
    }
};

QTEST_GUILESS_MAIN(TestTrainStage)
#include "tst_train_stage.moc"
