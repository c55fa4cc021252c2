// SPDX-License-Identifier: GPL-3.0-or-later
// runRrr: resolve inputs, evaluate, mine, train, evaluate, save; persist each
// stage's output as soon as it exists (persist, then show).
#include "pipeline/rrr/rrr_run.h"

#include "core/error.h"
#include "core/logging.h"
#include "model/text_model.h"
#include "pipeline/rrr/eval_records.h"
#include "pipeline/rrr/rrr_checkpoint.h"
#include "pipeline/rrr/rrr_models.h"
#include "pipeline/rrr/rrr_task_factory.h"
#include "pipeline/rrr/seen_training_queries.h"
#include "pipeline/run/recorded_run.h"
#include "pipeline/run/run_setup.h"
#include "store/project_file.h"
#include "store/rrr_eval_repository.h"
#include "store/rrr_repository.h"
#include "store/run_lock.h"
#include "store/stage_repository.h"
#include "core/monotonic_clock.h"
#include "store/run_repository.h"
#include "store/transaction.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <optional>

namespace rlrf::rrr {
namespace {

namespace fs = std::filesystem;

std::string resolveModelDir(const RrrRunRequest &request, store::Project &project)
{
    const std::string given = request.modelDir.empty() ? project.info().modelDir : request.modelDir;
    if (given.empty())
        throw Error("the project names no model; give one with --model", {request.projectPath, 0, "model"});
    if (request.modelDir.empty() && !fs::exists(given) && fs::path(given).is_relative()) {
        const auto besideProject = fs::absolute(request.projectPath).parent_path() / given;
        if (fs::exists(besideProject))
            return besideProject.string();
    }
    if (!isModelFolder(given))
        throw Error("not a model folder (no config.json, nor an adapter_config.json of a LoRA adapter)",
                    {given, 0, "model"});
    return given;
}

void storeAccuracy(store::RunRepository &runs, std::int64_t runId, int iteration, const TwoTryAccuracy &a)
{
    runs.addEvalResult({0, runId, iteration, "test", "first_try_accuracy", a.first, a.queries});
    runs.addEvalResult({0, runId, iteration, "test", "second_try_accuracy", a.second, a.queries});
    runs.addEvalResult({0, runId, iteration, "test", "reflection_tokens", a.reflectionTokens, a.queries});
}

std::vector<std::int64_t> storeFailures(store::RrrRepository &repo, std::int64_t runId,
                                        const std::vector<FailedAttempt> &failures)
{
    std::vector<store::RrrFailureRecord> rows;
    for (const auto &f : failures)
        rows.push_back({0, runId, f.problem.id, f.problem.prompt, f.problem.answer, f.attempt, f.reason});
    return repo.addFailures(rows);
}

void storeStep(store::RrrRepository &repo, const std::vector<std::int64_t> &failureIds, const StepRecord &record)
{
    std::vector<store::RrrReflectionRecord> rows;
    for (std::size_t g = 0; g < record.groups.size(); ++g)
        for (std::size_t t = 0; t < record.groups[g].tries.size(); ++t) {
            const auto &item = record.groups[g].tries[t];
            rows.push_back({0, failureIds[record.failureIndices[g]], record.step, item.reflection, item.retry,
                            item.reward, record.advantages[g][t], static_cast<std::int64_t>(item.reflectionLength)});
        }
    repo.addReflections(rows);
}

// One stage's time in stage_states, summed when it ends however it ends; done()
// marks it finished.
class StageClock {
public:
    StageClock(store::Project &project, std::int64_t runId, const char *stage)
        : m_project(project), m_key{runId, 0, stage}, m_start(monotonicSeconds())
    {
        store::StageRepository(m_project.db()).begin(m_key);
    }
    ~StageClock()
    {
        try {
            store::StageRepository(m_project.db()).addSeconds(m_key, monotonicSeconds() - m_start);
        } catch (...) {
            // A time is a report: never let it mask the real error.
        }
    }
    void done() { store::StageRepository(m_project.db()).markDone(m_key); }

private:
    store::Project &m_project;
    store::StageKey m_key;
    double m_start;
};

// The run's settings as stored in its row: the config plus what it ran on.
nlohmann::json storedSettings(const RrrConfig &config, const std::string &task, const std::string &data,
                              const std::string &modelDir, const std::string &outputDir)
{
    nlohmann::json settings = toJson(config);
    settings["task"] = task;
    settings["data"] = data;
    settings["model"] = modelDir;
    settings["out"] = outputDir;
    return settings;
}

class Runner {
public:
    Runner(const RrrRunRequest &request, const RunContext &context)
        : m_request(request), m_context(context), m_project(store::Project::open(request.projectPath)),
          m_runs(m_project.db()), m_rrr(m_project.db())
    {
    }

    RrrRunResult run();

private:
    std::optional<store::RunRecord> runToContinue();
    void readStoredSettings(const store::RunRecord &run);
    void resolveOutputDir();
    RrrRunResult body(model::TextModel &policy, const model::TextModel &reference, const tasks::Task &task);
    bool evaluate(const PolicySampler &sampler, const tasks::Task &task, const std::vector<tasks::Problem> &test,
                  int iteration, const char *stage, const char *stageKey, TwoTryAccuracy &out);
    std::optional<std::vector<FailedAttempt>> mine(const PolicySampler &sampler, const tasks::Task &task,
                                                   const std::vector<tasks::Problem> &train);
    std::vector<FailedAttempt> storedFailures(const std::vector<tasks::Problem> &train,
                                              std::vector<std::int64_t> &ids);
    bool isDone(const char *stage) { return store::StageRepository(m_project.db()).isDone({m_result.runId, 0, stage}); }
    RrrRunResult end(Outcome outcome, const std::string &message);

    const RrrRunRequest &m_request;
    const RunContext &m_context;
    store::Project m_project;
    store::RunRepository m_runs;
    store::RrrRepository m_rrr;
    // What the run uses: the request's, or the stored ones of a continued run.
    RrrConfig m_config;
    std::string m_task, m_data, m_modelDir, m_outputDir;
    std::string m_startFolder; // where the policy was loaded from
    nlohmann::json m_settings;
    std::optional<store::RunLock> m_lock; // this process's claim on the run
    std::optional<pipeline::RecordedRun> m_record;
    std::optional<std::int64_t> m_parent; // the checkpoint of the model trained
    RrrRunResult m_result;
};

std::optional<store::RunRecord> Runner::runToContinue()
{
    if (m_request.resumeRunId) {
        const auto run = m_runs.byId(*m_request.resumeRunId);
        if (run.kind != store::RunKind::Rrr)
            throw Error("run " + std::to_string(run.id) + " is not a Reflect-Retry-Reward run",
                        {m_request.projectPath, 0, "runs"});
        if (run.status == store::RunStatus::Succeeded)
            throw Error("run " + std::to_string(run.id) + " has finished; start a new run instead",
                        {m_request.projectPath, 0, "runs"});
        return run;
    }
    if (m_request.fresh)
        return std::nullopt;
    // The newest run of the same task continues when a kill or a stop left it
    // open; a failed one does not (it would fail the same way).
    const auto list = m_runs.list();
    for (auto it = list.rbegin(); it != list.rend(); ++it) {
        if (it->kind != store::RunKind::Rrr)
            continue;
        const auto stored = nlohmann::json::parse(it->hyperParametersJson, nullptr, false);
        if (!stored.is_object() || stored.value("task", "") != m_request.task)
            continue;
        if (it->status == store::RunStatus::Running || it->status == store::RunStatus::Cancelled)
            return *it;
        return std::nullopt; // the newest run of the task ended: a new one starts
    }
    return std::nullopt;
}

void Runner::readStoredSettings(const store::RunRecord &run)
{
    const auto source = m_request.projectPath + ": run " + std::to_string(run.id);
    auto stored = nlohmann::json::parse(run.hyperParametersJson, nullptr, false);
    if (!stored.is_object())
        throw Error("the run's settings are not a JSON object", {source, 0, "hyper_parameters"});
    m_task = stored.value("task", "");
    m_data = stored.value("data", "");
    m_modelDir = stored.value("model", "");
    m_outputDir = stored.value("out", "");
    for (const char *key : {"task", "data", "model", "out"})
        stored.erase(key);
    m_config = rrrConfigFromJson(stored, source);
    m_result.runId = run.id;
}

void Runner::resolveOutputDir()
{
    if (m_outputDir.empty())
        m_outputDir = (fs::path(fs::absolute(m_request.projectPath).string() + ".runs")
                       / ("rrr-" + std::to_string(m_result.runId)))
                          .string();
}

RrrRunResult Runner::run()
{
    m_project.requireWritable("run Reflect-Retry-Reward");
    validate(m_request.config);
    const auto previous = runToContinue();
    if (previous) {
        readStoredSettings(*previous);
        resolveOutputDir();
    } else {
        m_config = m_request.config;
        m_task = m_request.task;
        m_data = m_request.dataPath;
        m_modelDir = resolveModelDir(m_request, m_project);
        m_outputDir = m_request.outputDir;
    }
    m_settings = toJson(m_config);
    // Input errors (task, data, model) throw before the run's row changes.
    const auto task = makeRrrTask(m_task, m_data);
    if (!isModelFolder(m_modelDir))
        throw Error("not a model folder (no config.json, nor an adapter_config.json of a LoRA adapter)",
                    {m_modelDir, 0, "model"});
    // A continued run's policy starts from its newest step checkpoint, or from
    // its final model once training is done (adapter folders when it trains a
    // LoRA adapter: they load with their base).
    std::string start = m_modelDir;
    if (previous) {
        const auto final = (fs::path(m_outputDir) / "final").string();
        if (store::StageRepository(m_project.db()).isDone({previous->id, 0, stages::kSteps}) && isModelFolder(final))
            start = final;
        else if (const auto point = latestRrrCheckpoint(m_outputDir, m_settings))
            start = point->folder;
    }
    const auto source = previous ? m_request.projectPath + ": run " + std::to_string(previous->id) : "rrr settings";
    auto models = RrrModels::load(m_config, m_modelDir, start, source);
    m_startFolder = start;

    if (previous) {
        m_lock.emplace(store::RunLock::acquire(m_request.projectPath, previous->id));
        store::StageRepository(m_project.db()).reopenRun(previous->id);
        m_record.emplace(m_project, previous->id);
        m_result.resumed = true;
        log::get("rrr")->info("resuming Reflect-Retry-Reward run {} with the settings it started with", previous->id);
    } else {
        if (const auto warning = seenTrainingQueriesWarning(m_modelDir, m_task, m_config.seed))
            log::get("rrr")->warn("{}", *warning);
        m_record.emplace(m_project, store::RunKind::Rrr, 1,
                         storedSettings(m_config, m_task, m_data, m_modelDir, m_outputDir));
        m_result.runId = m_record->id();
        m_lock.emplace(store::RunLock::acquire(m_request.projectPath, m_result.runId));
        resolveOutputDir();
    }
    m_parent = pipeline::checkpointOfFolder(m_project, m_modelDir);
    try {
        return body(models.policy(), models.reference(), *task);
    } catch (const std::exception &e) {
        m_record->finish(Outcome::Failed, e.what());
        throw;
    }
}

// Runs the evaluation unless it is done; its results, its queries and its
// "done" mark land together. False when cancelled.
bool Runner::evaluate(const PolicySampler &sampler, const tasks::Task &task, const std::vector<tasks::Problem> &test,
                      int iteration, const char *stage, const char *stageKey, TwoTryAccuracy &out)
{
    const char *phase = iteration == 0 ? store::kRrrPhaseBefore : store::kRrrPhaseAfter;
    if (isDone(stageKey)) {
        std::map<std::string, double> values;
        for (const auto &r : m_runs.evalResults(m_result.runId))
            if (r.iteration == iteration && r.split == "test") {
                values[r.metric] = r.value;
                out.queries = r.n;
            }
        restoreRecords(out, store::RrrEvalRepository(m_project.db()).queries(m_result.runId, phase));
        out.first = values["first_try_accuracy"];
        out.second = values["second_try_accuracy"];
        out.reflectionTokens = values["reflection_tokens"];
        return true;
    }
    m_context.progress(0, 0, stage);
    const auto &c = m_config;
    StageClock clock(m_project, m_result.runId, stageKey);
    out = evaluateTwoTries(sampler, task, test, {c.maxAnswerTokens, c.maxReflectionTokens}, &m_context.cancel);
    if (out.cancelled)
        return false;
    store::Transaction tx(m_project.db());
    storeAccuracy(m_runs, m_result.runId, iteration, out);
    // The queries land with the accuracies they add up to, before anything shows them.
    store::RrrEvalRepository(m_project.db()).replace(m_result.runId, phase, out.records);
    clock.done();
    tx.commit();
    log::get("rrr")->info("{}: first try {:.3f}, second try {:.3f} on {} held-out queries", stage, out.first,
                          out.second, out.queries);
    if (out.failures() > 0)
        log::get("rrr")->info("{}: of {} failures, the model's own reflection led to a right retry in {}, "
                              "a perfect reflection in {} (of {} with one)",
                              stage, out.failures(), out.ownSolved(), out.oracleSolved, out.oracleAvailable);
    return true;
}

std::vector<FailedAttempt> Runner::storedFailures(const std::vector<tasks::Problem> &train,
                                                  std::vector<std::int64_t> &ids)
{
    std::map<std::string, const tasks::Problem *> byId;
    for (const auto &p : train)
        byId[p.id] = &p;
    std::vector<FailedAttempt> failures;
    for (const auto &row : m_rrr.failures(m_result.runId)) {
        const auto found = byId.find(row.problemId);
        if (found == byId.end())
            throw Error("stored failure of problem '" + row.problemId + "' is not among the run's training queries",
                        {m_request.projectPath, 0, "rrr_failures"});
        failures.push_back({*found->second, row.attempt, row.reason});
        ids.push_back(row.id);
    }
    for (const auto &r : m_runs.evalResults(m_result.runId))
        if (r.iteration == 0 && r.split == "train") {
            if (r.metric == "mined_queries")
                m_result.minedQueries = static_cast<std::int64_t>(r.value);
            else if (r.metric == "mined_attempts")
                m_result.minedAttempts = static_cast<std::int64_t>(r.value);
            else if (r.metric == "mined_correct_attempts")
                m_result.mineCorrectAttempts = static_cast<std::int64_t>(r.value);
        }
    return failures;
}

RrrRunResult Runner::body(model::TextModel &policy, const model::TextModel &reference, const tasks::Task &task)
{
    const auto &c = m_config;
    const auto test = task.problems(tasks::Split::Test, static_cast<std::size_t>(c.testQueries), c.testSeed);
    const auto train = task.problems(tasks::Split::Train, static_cast<std::size_t>(c.trainQueries), c.seed);
    // Evaluating "before" needs the starting model: a run that continues from a
    // checkpoint has it done already.
    const PolicySampler sampler(policy, c.generationBatch);
    if (!evaluate(sampler, task, test, 0, "rrr evaluate before", stages::kEvaluateBefore, m_result.before))
        return end(Outcome::Cancelled, "cancelled while evaluating before training");

    std::vector<std::int64_t> failureIds;
    std::vector<FailedAttempt> failures;
    if (isDone(stages::kMine)) {
        failures = storedFailures(train, failureIds);
    } else {
        m_context.progress(0, 0, "rrr mine failures");
        StageClock clock(m_project, m_result.runId, stages::kMine);
        auto mined = mineFailures(sampler, task, train,
                                  {c.mineSamples, c.mineTemperature, c.maxAnswerTokens, c.failuresPerQuery, c.seed},
                                  &m_context.cancel);
        if (mined.cancelled)
            return end(Outcome::Cancelled, "cancelled while mining failures");
        m_result.minedQueries = mined.queries, m_result.minedAttempts = mined.attempts;
        m_result.mineCorrectAttempts = mined.correctAttempts;
        store::Transaction tx(m_project.db());
        failureIds = storeFailures(m_rrr, m_result.runId, mined.failures);
        for (const auto &[metric, value] : {std::pair<const char *, std::int64_t>{"mined_queries", mined.queries},
                                            {"mined_attempts", mined.attempts},
                                            {"mined_correct_attempts", mined.correctAttempts}})
            m_runs.addEvalResult({0, m_result.runId, 0, "train", metric, static_cast<double>(value), mined.queries});
        clock.done();
        tx.commit();
        failures = std::move(mined.failures);
        log::get("rrr")->info("mined {} failed attempts from {} queries ({} of {} attempts correct)", failures.size(),
                              mined.queries, mined.correctAttempts, mined.attempts);
    }
    m_result.failures = static_cast<std::int64_t>(failures.size());

    if (!isDone(stages::kSteps)) {
        RrrCheckpointing checkpointing;
        if (const auto point = latestRrrCheckpoint(m_outputDir, m_settings)) {
            checkpointing.startStep = point->step;
            checkpointing.optimizerFile = (fs::path(point->folder) / kRrrOptimizerFile).string();
        }
        // What was recorded after the checkpoint is sampled and written again.
        {
            store::Transaction tx(m_project.db());
            m_rrr.dropReflectionsAfter(m_result.runId, checkpointing.startStep);
            m_record->dropPointsAfter(checkpointing.startStep);
            tx.commit();
        }
        fs::create_directories(m_outputDir);
        checkpointing.save = [&](std::int64_t step, const std::function<void(const std::string &)> &saveOptimizer) {
            saveRrrCheckpoint(policy, m_outputDir, step, m_settings, saveOptimizer, m_startFolder);
        };
        const RunContext training = m_record->recording(m_context); // shares the cancel token
        StageClock clock(m_project, m_result.runId, stages::kSteps);
        m_result.training = trainRrr(
            c, policy, reference, task, failures, training,
            [&](const StepRecord &r) {
                storeStep(m_rrr, failureIds, r);
                m_record->flush();
            },
            checkpointing);
        if (m_result.training.outcome != Outcome::Succeeded)
            return end(m_result.training.outcome, m_result.training.message);
        clock.done();
    } else {
        m_result.training.outcome = Outcome::Succeeded;
        m_result.training.steps = m_result.training.totalSteps = plannedSteps(c, failures.size());
    }

    if (!evaluate(sampler, task, test, 1, "rrr evaluate after", stages::kEvaluateAfter, m_result.after))
        return end(Outcome::Cancelled, "cancelled while evaluating after training");
    m_result.checkpoint = saveFinalModel(policy, m_outputDir);
    removeRrrCheckpoints(m_outputDir);
    m_record->finishWithCheckpoint(m_result.checkpoint, m_parent, 1);
    m_result.outcome = Outcome::Succeeded;
    return m_result;
}
RrrRunResult Runner::end(Outcome outcome, const std::string &message)
{
    m_result.outcome = outcome;
    m_result.message = message;
    m_record->finish(outcome, message);
    return m_result;
}

} // namespace

RrrRunResult runRrr(const RrrRunRequest &request, const RunContext &context)
{
    Runner runner(request, context);
    return runner.run();
}

} // namespace rlrf::rrr
