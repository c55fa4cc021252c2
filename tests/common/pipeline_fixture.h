// SPDX-License-Identifier: GPL-3.0-or-later
// A project for pipeline tests: the real stories260K model as its model folder,
// the default rubric, and arith problems (from the task's own generator, with
// their reference answers) as train and test prompts. Small settings that run in
// seconds on a busy CPU. Tests check mechanics (counts, resumes, records), never
// the accuracy of this tiny model.
#pragma once

#include "feedback/judge.h"
#include "model/text_model.h"
#include "pipeline/run/run_setup.h"
#include "pipeline/run/stage_env.h"
#include "store/project_file.h"
#include "types/rubric.h"

#include <memory>

#include <QString>

#include <string>

namespace rlrf::test {

struct PipelineProject {
    std::string path;     // the .rlrf file
    std::string modelDir; // stories260K as a Hugging Face folder
};

/// Creates `folder`/name.rlrf with `trainPrompts` and `testPrompts` arith prompts.
/// The model folder is converted once per folder and shared by later calls;
/// `modelDir`, when given, is used instead (the shipped arith-demo model, which
/// gets some problems right and so yields pairs to train on).
PipelineProject makePipelineProject(const QString &folder, const QString &name, int trainPrompts, int testPrompts,
                                    const QString &modelDir = {});

/// Settings small enough for a test: few prompts, 2 samples, 8 new tokens, one
/// prompt per batch, no evaluation unless asked.
pipeline::PipelineOptions tinyOptions();

/// What a stage test needs around a project: its run (opened with `options`),
/// M0's checkpoint, the current rubric, the rule judge and the loaded model.
struct StageSetup {
    store::Project project;
    pipeline::RunHandle run;
    std::int64_t base = 0; // M0's checkpoint id
    feedback::Rubric rubric;
    std::unique_ptr<feedback::Judge> judge;
    model::TextModel model;
    RunContext context;

    /// Iteration 0 of the run, reporting to `reportTo` (default: `context`).
    pipeline::StageEnv env(const RunContext *reportTo = nullptr)
    {
        return {project, run.runId, 0, run.options, reportTo ? *reportTo : context, *judge, rubric, std::nullopt,
                &model, base};
    }
};

/// Held by pointer: the environments it makes refer into it.
std::unique_ptr<StageSetup> makeStageSetup(const PipelineProject &fixture, const pipeline::PipelineOptions &options);

} // namespace rlrf::test
