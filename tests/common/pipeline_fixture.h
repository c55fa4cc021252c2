// SPDX-License-Identifier: GPL-3.0-or-later
// A project for pipeline tests: the real stories260K model as its model folder,
// the default rubric, and arith problems (from the task's own generator, with
// their reference answers) as train and test prompts. Small settings that run in
// seconds on a busy CPU. Tests check mechanics (counts, resumes, records), never
// the accuracy of this tiny model.
#pragma once

#include "pipeline/pipeline_options.h"

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

} // namespace rlrf::test
