// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/run/rlrf_run.h"

#include "core/error.h"
#include "core/logging.h"
#include "eval/project_evaluation.h"
#include "eval/win_rate.h"
#include "feedback/judge_factory.h"
#include "model/adapter_folder.h"
#include "model/text_model.h"
#include "pipeline/critique/critique_stage.h"
#include "pipeline/pairs/pair_stage.h"
#include "pipeline/refine/refine_stage.h"
#include "pipeline/run/endpoint_generation.h"
#include "pipeline/run/iteration_stats.h"
#include "pipeline/run/run_setup.h"
#include "pipeline/sample/sample_stage.h"
#include "pipeline/train/dpo_stage.h"
#include "store/checkpoint_repository.h"
#include "store/eval_answer_repository.h"
#include "store/metric_repository.h"
#include "store/rubric_repository.h"
#include "train/precision_rule.h"
#include "store/run_repository.h"
#include "store/transaction.h"

#include <algorithm>
#include <iomanip>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

namespace rlrf::pipeline {
namespace {

// Everything one run holds while it goes: the project, judge, rubric and the
// model currently loaded.
class Driver {
public:
    Driver(store::Project &project, RunHandle run, const RunContext &context)
        : m_project(project), m_run(std::move(run)), m_context(context)
    {
        const auto task = m_project.info().task;
        m_judge = feedback::makeJudge(m_run.options.judge.empty() ? feedback::defaultJudgeSpec(task) : m_run.options.judge);
        m_verifier = eval::taskVerifier(task);
        store::RubricRepository rubrics(m_project.db());
        const auto version = rubrics.current();
        if (!version)
            throw Error("the project has no rubric", {m_project.path(), 0, "rubric_versions"});
        m_rubric = rubrics.load(*version);
        m_rubricVersionId = version->id;
        m_modelDir = resolveModelDir(m_project);
        m_checkpointId = ensureBaseCheckpoint(m_project, m_modelDir);
        m_policyFolder = m_modelDir;
        m_generator = makeGeneratorEndpoint(m_run.options);
        if (m_generator)
            log::get("pipeline")->info(
                "sampling and refinement go to {} ({} requests in flight); training and evaluation run here on {}{}",
                m_generator->url(), m_generator->config().concurrency, m_modelDir,
                m_run.options.iterations > 1 ? "; the server's model is not swapped, so from iteration 1 on it "
                                               "samples instead of M_i (off-policy pairs)"
                                             : "");
    }

    Outcome evaluate(int modelIteration);
    Outcome iterate(int iteration, PipelineResult &result);

private:
    StageEnv env(int iteration)
    {
        return StageEnv{m_project, m_run.runId, iteration, m_run.options, m_context, *m_judge, m_rubric,
                        m_rubricVersionId, m_model.get(), m_checkpointId, m_generator.get()};
    }
    const model::TextModel &policy()
    {
        if (!m_model || m_model->folder() != m_policyFolder) {
            log::get("pipeline")->info("loading {}", m_policyFolder);
            // M_i of a LoRA run is an adapter folder on M0: its base is the
            // project's model folder, wherever the adapter says it was.
            const std::string base = model::isAdapterFolder(m_policyFolder) ? m_modelDir : std::string();
            // The model the stages sample with is the one the passes train in
            // place: with bfloat16 and no adapter, its float32 master weights.
            const auto &o = m_run.options;
            const auto dtype = train::trainingWeightsDtype(o.dpo.dtype, o.dpo.lora.enabled() || !base.empty());
            m_model = std::make_unique<model::TextModel>(
                model::TextModel::load(m_policyFolder, {o.dpo.device, dtype, base}));
        }
        return *m_model;
    }
    void recordStageTimes(int iteration);
    std::optional<eval::WinRate> recordWinRate(int modelIteration);
    void recordIterationStats(const StageEnv &e);

    store::Project &m_project;
    RunHandle m_run;
    const RunContext &m_context;
    std::unique_ptr<feedback::Judge> m_judge;
    std::unique_ptr<feedback::Judge> m_verifier;
    feedback::Rubric m_rubric;
    std::int64_t m_rubricVersionId = 0;
    std::string m_modelDir;
    std::string m_policyFolder;   // M_i
    std::int64_t m_checkpointId = 0;
    std::unique_ptr<model::TextModel> m_model; // M_i once loaded; M_{i+1} once the train stage made it
    std::unique_ptr<feedback::ChatEndpoint> m_generator; // samples and refines instead of M_i, when set
};

Outcome Driver::evaluate(int modelIteration)
{
    const auto &o = m_run.options;
    if (o.evalN == 0)
        return Outcome::Succeeded;
    store::StageRepository progress(m_project.db());
    const store::StageKey key{m_run.runId, modelIteration, stages::kEvaluate};
    if (progress.isDone(key))
        return Outcome::Succeeded;
    policy();
    const auto e = env(modelIteration);
    StageTimer timer(e, stages::kEvaluate);
    eval::EvaluationOptions options{o.evalSplit, o.evalN, o.evalMaxNewTokens, 64};
    const auto r = eval::evaluateModel(m_project, policy(), *m_judge, m_rubric, m_verifier.get(), options, m_context);
    if (r.outcome != Outcome::Succeeded)
        return r.outcome;
    store::RunRepository runs(m_project.db());
    // Aggregates, answers, win rate and the stage mark commit together: a run
    // stopped before the commit evaluates again from scratch, and one stopped
    // after it never evaluates this model twice.
    store::Transaction tx(m_project.db());
    for (const auto &row : eval::toEvalResults(r, m_run.runId, modelIteration, o.evalSplit))
        runs.addEvalResult(row);
    store::EvalAnswerRepository(m_project.db()).put(eval::toEvalAnswers(r, m_run.runId, modelIteration));
    const auto win = recordWinRate(modelIteration);
    progress.markDone(key);
    tx.commit();
    log::get("pipeline")->info("M{} on {} {}: accuracy {:.4f}, mean overall {:.4f} ({:.1f} s)", modelIteration,
                               r.n, o.evalSplit, r.accuracy.value_or(-1.0), r.meanOverall, r.seconds);
    if (r.accuracy)
        m_context.metric(modelIteration, "eval/accuracy", *r.accuracy);
    m_context.metric(modelIteration, "eval/overall", r.meanOverall);
    if (win)
        m_context.metric(modelIteration, "eval/win_rate", *win->rate());
    return Outcome::Succeeded;
}

// M_i against M_{i-1} on the answers both gave in this run and split: the
// "win_rate" row the Iterations page plots, with its wins, ties and losses.
std::optional<eval::WinRate> Driver::recordWinRate(int modelIteration)
{
    if (modelIteration < 1)
        return std::nullopt;
    const auto &split = m_run.options.evalSplit;
    store::EvalAnswerRepository answers(m_project.db());
    const auto win = eval::winRate(answers.forModel(m_run.runId, modelIteration, split),
                                   answers.forModel(m_run.runId, modelIteration - 1, split));
    if (!win.rate()) {
        log::get("pipeline")->warn("M{} has no answers of M{} on the same {} prompts to compare with; no win rate",
                                   modelIteration, modelIteration - 1, split);
        return std::nullopt;
    }
    store::RunRepository runs(m_project.db());
    auto add = [&](const std::string &metric, double value) {
        runs.addEvalResult({0, m_run.runId, modelIteration, split, metric, value, win.prompts()});
    };
    add("win_rate", *win.rate());
    add("win_rate/wins", static_cast<double>(win.wins));
    add("win_rate/ties", static_cast<double>(win.ties));
    add("win_rate/losses", static_cast<double>(win.losses));
    log::get("pipeline")->info("M{} against M{} on {} {} prompts: {} wins, {} ties, {} losses, win rate {:.4f}",
                               modelIteration, modelIteration - 1, win.prompts(), split, win.wins, win.ties,
                               win.losses, *win.rate());
    return win;
}

Outcome Driver::iterate(int i, PipelineResult &result)
{
    const auto &o = m_run.options;
    const auto prompts = iterationPrompts(m_project, m_run.runId, i, o);
    const bool rlrf = o.mode == PipelineMode::Rlrf;
    const bool refine = refinesAnswers(o);
    // Same budget for the baseline: as many answers per prompt as RLRF samples and refines.
    const auto samples = rlrf ? o.samples : o.samples + o.selectTopK * o.refinements;
    store::StageRepository progress(m_project.db());
    // With a generator endpoint M_i is still loaded here: it is trained in this
    // iteration, and its tokenizer counts the server's answers as DPO will read them.
    auto needsModel = [&](const char *stage) { return !progress.isDone({m_run.runId, i, stage}); };
    if (needsModel(stages::kSample) || (refine && needsModel(stages::kRefine)) || needsModel(stages::kTrain))
        policy();
    const auto e = env(i);
    Outcome out = runSampleStage(e, prompts, samples);
    if (out == Outcome::Succeeded)
        out = runCritiqueStage(e, stages::kCritique, stages::kSample, prompts);
    if (refine && out == Outcome::Succeeded)
        out = runRefineStage(e, prompts);
    if (refine && out == Outcome::Succeeded)
        out = runCritiqueStage(e, stages::kCritiqueRefined, stages::kRefine, prompts);
    if (out == Outcome::Succeeded)
        out = runPairStage(e, prompts);
    if (out != Outcome::Succeeded)
        return out;
    recordIterationStats(e);
    const auto review = reviewCounts(e);
    m_context.metric(i, "pairs/approved", static_cast<double>(review.approved));
    if (review.pending > 0) {
        result.waitingForReview = true;
        result.message = std::to_string(review.pending) + " pairs of iteration " + std::to_string(i)
                         + " wait for review; approve or reject them (or rerun with --auto-approve), then run again";
        return Outcome::Cancelled;
    }
    auto trained = runTrainStage(e, m_policyFolder, iterationFolder(m_project, m_run.runId, i + 1));
    // The stage trains the loaded M_i in place: what is held now is M_{i+1}, kept
    // when the stage hands it back, or weights to drop.
    m_model.reset();
    if (trained.model)
        m_model = std::make_unique<model::TextModel>(std::move(*trained.model));
    if (trained.outcome != Outcome::Succeeded) {
        result.message = trained.message;
        return trained.outcome;
    }
    m_policyFolder = trained.checkpointPath;
    m_checkpointId = trained.checkpointId;
    result.iterationsDone = i + 1;
    out = evaluate(i + 1);
    recordStageTimes(i);
    return out;
}

// Once per iteration (a resumed run does not append the points again).
void Driver::recordIterationStats(const StageEnv &e)
{
    store::MetricRepository metrics(m_project.db());
    for (const auto &p : metrics.series(m_run.runId, "pairs/count"))
        if (p.step == e.iteration)
            return;
    std::vector<store::MetricPoint> points;
    for (const auto &[key, value] : iterationStats(e))
        points.push_back({e.iteration, key, value});
    metrics.append(m_run.runId, points);
    for (const auto &p : points)
        m_context.metric(p.step, p.key, p.value);
}

// The stage times of iteration i, and the evaluation of M_{i+1} at step i+1.
// Replaced, not appended: a resumed run records them again.
void Driver::recordStageTimes(int iteration)
{
    std::vector<store::MetricPoint> points;
    for (const auto &t : store::StageRepository(m_project.db()).times(m_run.runId))
        if (t.iteration == iteration || (t.stage == stages::kEvaluate && t.iteration == iteration + 1))
            points.push_back({t.iteration, "time/" + t.stage, t.seconds});
    store::MetricRepository(m_project.db()).replace(m_run.runId, points);
    for (const auto &p : points)
        m_context.metric(p.step, p.key, p.value);
}

} // namespace

PipelineResult runPipeline(const PipelineRequest &request, const RunContext &context)
{
    PipelineResult result;
    validate(request.options, "run options");
    auto project = store::Project::open(request.projectPath);
    project.requireWritable("run the loop");
    const auto run = openRun(project, request.options, request.fresh, request.resumeRunId);
    result.runId = run.runId;
    result.resumed = run.resumed;
    result.options = run.options;
    store::RunRepository runs(project.db());
    Outcome outcome = Outcome::Succeeded;
    result.message.clear();
    try {
        Driver driver(project, run, context);
        outcome = driver.evaluate(0);
        for (int i = 0; outcome == Outcome::Succeeded && i < run.options.iterations; ++i)
            outcome = driver.iterate(i, result);
    } catch (const std::exception &e) {
        outcome = Outcome::Failed;
        result.message = e.what();
    }
    if (result.message.empty() && outcome == Outcome::Cancelled)
        result.message = "stopped on request; run again to continue";
    result.outcome = outcome;
    const auto status = result.outcome == Outcome::Succeeded   ? store::RunStatus::Succeeded
                        : result.outcome == Outcome::Cancelled ? store::RunStatus::Cancelled
                                                               : store::RunStatus::Failed;
    runs.finish(run.runId, status, result.message);
    store::StageRepository progress(project.db());
    result.times = progress.times(run.runId);
    for (const auto &t : result.times)
        if (t.stage == stages::kTrain && t.done)
            result.iterationsDone = std::max(result.iterationsDone, t.iteration + 1);
    result.evaluations = runs.evalResults(run.runId);
    return result;
}

std::string formatStageTimes(const std::vector<store::StageTime> &times)
{
    std::map<int, std::map<std::string, double>> table;
    std::vector<std::string> columns;
    for (const auto &t : times) {
        if (t.stage == stages::kPrompts)
            continue;
        table[t.iteration][t.stage] += t.seconds;
        if (std::find(columns.begin(), columns.end(), t.stage) == columns.end())
            columns.push_back(t.stage);
    }
    std::ostringstream out;
    out << std::left << std::setw(10) << "iteration";
    for (const auto &c : columns)
        out << std::right << std::setw(17) << c;
    out << std::setw(10) << "total" << "\n";
    for (const auto &[iteration, row] : table) {
        out << std::left << std::setw(10) << iteration;
        double total = 0.0;
        for (const auto &c : columns) {
            const auto it = row.find(c);
            total += it == row.end() ? 0.0 : it->second;
            out << std::right << std::setw(17);
            if (it == row.end())
                out << "-";
            else
                out << std::fixed << std::setprecision(1) << it->second;
        }
        out << std::setw(10) << std::fixed << std::setprecision(1) << total << "\n";
    }
    return out.str();
}

} // namespace rlrf::pipeline
