// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/run/run_progress.h"

#include "core/error.h"
#include "pipeline/rrr/rrr_run.h"
#include "pipeline/run/pipeline_options.h"
#include "pipeline/run/rlrf_run.h"
#include "pipeline/run/stage_env.h"
#include "store/database.h"
#include "store/run_repository.h"
#include "store/stage_repository.h"

#include <nlohmann/json.hpp>

#include <map>

namespace rlrf::pipeline {

namespace {

const char *const kReview = "review";

double eta(double seconds, std::int64_t done, std::int64_t total)
{
    if (done <= 0 || total <= done)
        return total > 0 && done >= total ? 0.0 : -1.0;
    return seconds / static_cast<double>(done) * static_cast<double>(total - done);
}

StageState stateOf(const store::StageTime *time, bool runRunning)
{
    if (!time)
        return StageState::Pending;
    if (time->done)
        return StageState::Done;
    return runRunning ? StageState::Running : StageState::Stopped;
}

void fillSteps(StageCell &cell, const store::StepFacts &pass, bool runRunning)
{
    cell.done = pass.stepsDone;
    cell.total = pass.stepsTotal;
    if (cell.state != StageState::Done) {
        cell.seconds += pass.status == store::RunStatus::Running ? pass.elapsedSeconds : 0.0;
        if (pass.status == store::RunStatus::Running && runRunning)
            cell.state = StageState::Running;
        cell.etaSeconds = cell.state == StageState::Running ? eta(pass.elapsedSeconds, cell.done, cell.total) : -1.0;
    }
}

std::string describeCurrent(const RunProgress &p)
{
    for (const auto &row : p.rows)
        for (const auto &cell : row.cells)
            if (cell.state == StageState::Running || cell.state == StageState::Waiting) {
                std::string text = (p.method == "rrr" ? std::string() : "iteration " + std::to_string(row.iteration) + " ")
                                   + stageLabel(cell.stage);
                if (cell.total > 0)
                    text += " " + std::to_string(cell.done) + "/" + std::to_string(cell.total);
                if (cell.state == StageState::Waiting)
                    text += " (waiting for review)";
                return text;
            }
    return {};
}

RunProgress readRrr(store::Database &db, const store::RunRecord &run)
{
    RunProgress p;
    p.run = run;
    p.method = "rrr";
    p.iterations = 1;
    p.columns = {rrr::stages::kEvaluateBefore, rrr::stages::kMine, rrr::stages::kSteps, rrr::stages::kEvaluateAfter};
    store::RunProgressRepository facts(db);
    const bool running = run.status == store::RunStatus::Running;
    p.elapsedSeconds = facts.elapsedSeconds(run.id);
    const auto times = store::StageRepository(db).times(run.id);
    IterationRow row;
    double finished = 0.0;
    for (const auto &column : p.columns) {
        StageCell cell;
        cell.stage = column;
        const store::StageTime *time = nullptr;
        for (const auto &t : times)
            if (t.stage == column)
                time = &t;
        cell.state = stateOf(time, running);
        cell.seconds = time ? time->seconds : 0.0;
        if (cell.state == StageState::Done)
            finished += cell.seconds;
        row.cells.push_back(cell);
    }
    // A stage's seconds land when it ends: the running one has had the rest.
    for (auto &cell : row.cells)
        if (cell.state == StageState::Running)
            cell.seconds = std::max(0.0, p.elapsedSeconds - finished);
    const auto steps = facts.stepFacts(run.id);
    auto &stepCell = row.cells[2];
    stepCell.done = steps.stepsDone;
    stepCell.total = steps.stepsTotal;
    if (stepCell.state == StageState::Running)
        stepCell.etaSeconds = eta(stepCell.seconds, stepCell.done, stepCell.total);
    p.training = steps;
    p.rows.push_back(row);
    p.timeTable = formatStageTimes(times);
    p.current = describeCurrent(p);
    return p;
}

RunProgress readRlrf(store::Database &db, const store::RunRecord &run)
{
    RunProgress p;
    p.run = run;
    PipelineOptions options;
    try {
        options = pipelineOptionsFromJson(nlohmann::json::parse(run.hyperParametersJson),
                                          "run " + std::to_string(run.id));
    } catch (const std::exception &) {
        // A run whose settings do not read still shows what the store holds.
    }
    const bool refine = refinesAnswers(options);
    p.method = toString(options.mode);
    p.iterations = options.iterations;
    p.columns = {stages::kSample, stages::kCritique};
    if (refine)
        p.columns.insert(p.columns.end(), {stages::kRefine, stages::kCritiqueRefined});
    p.columns.insert(p.columns.end(), {stages::kPairs, kReview, stages::kSft});
    if (options.dpoPass) // without DPO the pass's model is M_{i+1}: no column to fill
        p.columns.push_back(stages::kTrain);
    p.columns.push_back(stages::kEvaluate);

    store::RunProgressRepository facts(db);
    const bool running = run.status == store::RunStatus::Running;
    p.elapsedSeconds = facts.elapsedSeconds(run.id);
    const auto times = store::StageRepository(db).times(run.id);
    std::map<std::pair<int, std::string>, const store::StageTime *> timeOf;
    for (const auto &t : times)
        timeOf[{t.iteration, t.stage}] = &t;
    const auto prompts = facts.finishedPrompts(run.id);
    const auto review = facts.review(run.id);
    const auto passes = facts.trainingPasses(run.id);
    if (!passes.empty())
        p.training = passes.back();

    for (int i = 0; i <= options.iterations; ++i) {
        IterationRow row;
        row.iteration = i;
        const bool last = i == options.iterations; // only M_K's evaluation
        const auto promptsIt = prompts.find({i, stages::kPrompts});
        const std::int64_t total = promptsIt == prompts.end() ? 0 : promptsIt->second;
        for (const auto &column : p.columns) {
            StageCell cell;
            cell.stage = column;
            if (last && column != stages::kEvaluate) {
                row.cells.push_back(cell);
                continue;
            }
            const auto it = timeOf.find({i, column});
            const store::StageTime *time = it == timeOf.end() ? nullptr : it->second;
            cell.state = stateOf(time, running);
            cell.seconds = time ? time->seconds : 0.0;
            if (column == kReview) {
                const auto pairsDone = timeOf.find({i, stages::kPairs});
                const auto r = review.find(i);
                const store::ReviewFacts counts = r == review.end() ? store::ReviewFacts{} : r->second;
                cell.done = counts.reviewed;
                cell.total = counts.pending + counts.reviewed;
                const bool pairsFinished = pairsDone != timeOf.end() && pairsDone->second->done;
                cell.state = !pairsFinished ? StageState::Pending
                             : counts.pending > 0 ? StageState::Waiting
                                                  : StageState::Done;
                p.pendingReview += counts.pending;
            } else if (column == stages::kSft || column == stages::kTrain) {
                const auto kind = column == stages::kSft ? store::RunKind::Sft : store::RunKind::Dpo;
                for (const auto &pass : passes)
                    if (pass.kind == kind && pass.iteration == i + 1) {
                        cell.seconds = time ? time->seconds : 0.0;
                        fillSteps(cell, pass, running);
                    }
            } else if (column != stages::kEvaluate) {
                const auto done = prompts.find({i, column});
                cell.done = done == prompts.end() ? 0 : done->second;
                cell.total = total;
                if (cell.state == StageState::Running)
                    cell.etaSeconds = eta(cell.seconds, cell.done, cell.total);
            }
            row.cells.push_back(cell);
        }
        p.rows.push_back(row);
    }
    p.timeTable = formatStageTimes(times);
    p.current = describeCurrent(p);
    return p;
}

} // namespace

std::string toString(StageState state)
{
    switch (state) {
    case StageState::Pending: return "pending";
    case StageState::Running: return "running";
    case StageState::Stopped: return "stopped";
    case StageState::Waiting: return "waiting";
    case StageState::Done: return "done";
    }
    return "pending";
}

std::string stageLabel(const std::string &stage)
{
    static const std::map<std::string, std::string> labels = {
        {stages::kSample, "sample"},
        {stages::kCritique, "critique"},
        {stages::kRefine, "refine"},
        {stages::kCritiqueRefined, "critique of refinements"},
        {stages::kPairs, "pairs"},
        {kReview, "review"},
        {stages::kSft, "supervised pass"},
        {stages::kTrain, "DPO"},
        {stages::kEvaluate, "evaluate"},
        {rrr::stages::kEvaluateBefore, "evaluate before"},
        {rrr::stages::kMine, "mine failures"},
        {rrr::stages::kSteps, "reflect/retry steps"},
        {rrr::stages::kEvaluateAfter, "evaluate after"},
    };
    const auto it = labels.find(stage);
    return it == labels.end() ? stage : it->second;
}

std::vector<store::RunRecord> loopRuns(store::Database &db)
{
    store::ReadSnapshot snapshot(db);
    return store::RunProgressRepository(db).loopRuns();
}

RunProgress readRunProgress(store::Database &db, std::int64_t runId)
{
    store::ReadSnapshot snapshot(db);
    const auto run = store::RunRepository(db).byId(runId);
    if (run.kind == store::RunKind::Rrr)
        return readRrr(db, run);
    if (run.kind != store::RunKind::Rlrf)
        throw Error("run " + std::to_string(runId) + " is a " + store::toString(run.kind)
                        + " run, not an RLRF or Reflect-Retry-Reward run",
                    {db.path()});
    return readRlrf(db, run);
}

} // namespace rlrf::pipeline
