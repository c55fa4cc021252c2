// SPDX-License-Identifier: GPL-3.0-or-later
// runRrr: resolve inputs, evaluate, mine, train, evaluate, save; persist each
// stage's output as soon as it exists (persist, then show).
#include "pipeline/rrr/rrr_run.h"

#include "core/error.h"
#include "core/logging.h"
#include "model/text_model.h"
#include "pipeline/rrr/rrr_task_factory.h"
#include "pipeline/run/recorded_run.h"
#include "pipeline/run/run_setup.h"
#include "store/project_file.h"
#include "store/rrr_repository.h"
#include "store/stage_repository.h"
#include "core/monotonic_clock.h"
#include "store/run_repository.h"

#include <filesystem>
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
    if (!fs::is_regular_file(fs::path(given) / "config.json"))
        throw Error("not a model folder (no config.json)", {given, 0, "model"});
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

class Runner {
public:
    Runner(const RrrRunRequest &request, const RunContext &context)
        : m_request(request), m_context(context), m_project(store::Project::open(request.projectPath)),
          m_runs(m_project.db()), m_rrr(m_project.db())
    {
    }

    RrrRunResult run();

private:
    RrrRunResult body(const model::TextModel &policy, const model::TextModel &reference, const tasks::Task &task);
    TwoTryAccuracy evaluate(const PolicySampler &sampler, const tasks::Task &task,
                            const std::vector<tasks::Problem> &test, const char *stage, const char *stageKey);
    RrrRunResult end(Outcome outcome, const std::string &message);

    const RrrRunRequest &m_request;
    const RunContext &m_context;
    store::Project m_project;
    store::RunRepository m_runs;
    store::RrrRepository m_rrr;
    std::optional<pipeline::RecordedRun> m_record;
    std::optional<std::int64_t> m_parent; // the checkpoint of the model trained
    RrrRunResult m_result;
};

RrrRunResult Runner::run()
{
    const auto &config = m_request.config;
    validate(config);
    const auto task = makeRrrTask(m_request.task, m_request.dataPath);
    const std::string modelDir = resolveModelDir(m_request, m_project);
    const model::PolicyOptions options{config.device, "float32"};
    const auto policy = model::TextModel::load(modelDir, options);
    // The frozen reference is a second copy only when the KL term reads it.
    std::optional<model::TextModel> ownReference;
    if (config.beta > 0.0)
        ownReference = model::TextModel::load(modelDir, options);
    const auto &reference = ownReference ? *ownReference : policy;
    m_parent = pipeline::checkpointOfFolder(m_project, modelDir);
    nlohmann::json settings = toJson(config);
    settings["task"] = m_request.task;
    settings["data"] = m_request.dataPath;
    settings["model"] = modelDir;
    m_record.emplace(m_project, store::RunKind::Rrr, 1, settings);
    m_result.runId = m_record->id();
    try {
        return body(policy, reference, *task);
    } catch (const std::exception &e) {
        m_record->finish(Outcome::Failed, e.what());
        throw;
    }
}

TwoTryAccuracy Runner::evaluate(const PolicySampler &sampler, const tasks::Task &task,
                                const std::vector<tasks::Problem> &test, const char *stage, const char *stageKey)
{
    m_context.progress(0, 0, stage);
    const auto &c = m_request.config;
    StageClock clock(m_project, m_result.runId, stageKey);
    const auto accuracy = evaluateTwoTries(sampler, task, test, {c.maxAnswerTokens, c.maxReflectionTokens}, &m_context.cancel);
    if (!accuracy.cancelled)
        clock.done();
    log::get("rrr")->info("{}: first try {:.3f}, second try {:.3f} on {} held-out queries", stage, accuracy.first,
                          accuracy.second, accuracy.queries);
    return accuracy;
}

RrrRunResult Runner::body(const model::TextModel &policy, const model::TextModel &reference, const tasks::Task &task)
{
    const auto &c = m_request.config;
    const auto test = task.problems(tasks::Split::Test, static_cast<std::size_t>(c.testQueries), c.testSeed);
    const auto train = task.problems(tasks::Split::Train, static_cast<std::size_t>(c.trainQueries), c.seed);
    const PolicySampler sampler(policy, c.generationBatch);
    m_result.before = evaluate(sampler, task, test, "rrr evaluate before", stages::kEvaluateBefore);
    if (m_result.before.cancelled)
        return end(Outcome::Cancelled, "cancelled while evaluating before training");
    storeAccuracy(m_runs, m_result.runId, 0, m_result.before);

    m_context.progress(0, 0, "rrr mine failures");
    std::optional<StageClock> mineClock(std::in_place, m_project, m_result.runId, stages::kMine);
    const auto mined = mineFailures(sampler, task, train,
                                    {c.mineSamples, c.mineTemperature, c.maxAnswerTokens, c.failuresPerQuery, c.seed},
                                    &m_context.cancel);
    if (mined.cancelled)
        return end(Outcome::Cancelled, "cancelled while mining failures");
    m_result.minedQueries = mined.queries, m_result.minedAttempts = mined.attempts;
    m_result.mineCorrectAttempts = mined.correctAttempts;
    m_result.failures = static_cast<std::int64_t>(mined.failures.size());
    const auto failureIds = storeFailures(m_rrr, m_result.runId, mined.failures);
    mineClock->done();
    mineClock.reset();
    log::get("rrr")->info("mined {} failed attempts from {} queries ({} of {} attempts correct)",
                          mined.failures.size(), mined.queries, mined.correctAttempts, mined.attempts);

    const RunContext training = m_record->recording(m_context); // shares the cancel token
    {
        StageClock clock(m_project, m_result.runId, stages::kSteps);
        m_result.training = trainRrr(c, policy, reference, task, mined.failures, training, [&](const StepRecord &r) {
            storeStep(m_rrr, failureIds, r);
            m_record->flush();
        });
        if (m_result.training.outcome == Outcome::Succeeded)
            clock.done();
    }
    if (m_result.training.outcome != Outcome::Succeeded)
        return end(m_result.training.outcome, m_result.training.message);

    m_result.after = evaluate(sampler, task, test, "rrr evaluate after", stages::kEvaluateAfter);
    if (m_result.after.cancelled)
        return end(Outcome::Cancelled, "cancelled while evaluating after training");
    storeAccuracy(m_runs, m_result.runId, 1, m_result.after);
    const fs::path out = m_request.outputDir.empty()
        ? fs::path(fs::absolute(m_request.projectPath).string() + ".runs") / ("rrr-" + std::to_string(m_result.runId))
        : fs::path(m_request.outputDir);
    m_result.checkpoint = (out / "final").string();
    policy.save(m_result.checkpoint);
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
