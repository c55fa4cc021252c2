// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/pipeline_fixture.h"

#include "common/store_fixture.h"
#include "common/stories_fixture.h"
#include "feedback/judge_factory.h"
#include "store/project_file.h"
#include "store/project_setup.h"
#include "store/prompt_repository.h"
#include "store/rubric_repository.h"
#include "store/transaction.h"
#include "tasks/arith/arith_task.h"

#include <QDir>
#include <QFile>

namespace rlrf::test {

namespace {

void addPrompts(store::Project &project, tasks::Split split, int count)
{
    if (count <= 0)
        return;
    store::PromptRepository prompts(project.db());
    const std::string splitName = tasks::toString(split);
    const auto set = prompts.createSet({0, "arith-" + splitName, "jsonl", "generated", {}});
    store::Transaction tx(project.db());
    int row = 0;
    for (const auto &p : tasks::ArithTask().problems(split, static_cast<std::size_t>(count), 5)) {
        store::PromptRecord r;
        r.promptSetId = set;
        r.text = p.prompt;
        r.referenceAnswer = p.answer;
        r.split = store::parseSplit(splitName);
        r.source = "generated";
        r.sourceRow = ++row;
        prompts.insert(r);
    }
    tx.commit();
}

} // namespace

PipelineProject makePipelineProject(const QString &folder, const QString &name, int trainPrompts, int testPrompts,
                                    const QString &givenModelDir)
{
    PipelineProject out;
    const QString modelDir = givenModelDir.isEmpty() ? folder + QStringLiteral("/stories260K") : givenModelDir;
    if (givenModelDir.isEmpty() && !QFile::exists(modelDir + QStringLiteral("/config.json")))
        convertStories260K(modelDir);
    out.modelDir = modelDir.toStdString();
    out.path = (folder + QLatin1Char('/') + name + QStringLiteral(".rlrf")).toStdString();
    store::createProject({out.path, out.modelDir, "arith", rubricPath(QStringLiteral("default.json")).toStdString()});
    auto project = store::Project::open(out.path);
    addPrompts(project, tasks::Split::Train, trainPrompts);
    addPrompts(project, tasks::Split::Test, testPrompts);
    return out;
}

std::unique_ptr<StageSetup> makeStageSetup(const PipelineProject &fixture, const pipeline::PipelineOptions &options)
{
    auto project = store::Project::open(fixture.path);
    auto run = pipeline::openRun(project, options, false);
    const auto base = pipeline::ensureBaseCheckpoint(project, fixture.modelDir);
    store::RubricRepository rubrics(project.db());
    auto rubric = rubrics.load(*rubrics.current());
    return std::unique_ptr<StageSetup>(new StageSetup{std::move(project), std::move(run), base, std::move(rubric),
                                                      feedback::makeJudge("rule:arith"),
                                                      model::TextModel::load(fixture.modelDir), {}});
}

pipeline::PipelineOptions tinyOptions()
{
    pipeline::PipelineOptions o;
    o.iterations = 1;
    o.promptsPerIteration = 6;
    o.samples = 2;
    o.maxNewTokens = 8;
    o.batchPrompts = 1;
    o.refinements = 2;
    o.evalN = 0;
    o.evalMaxNewTokens = 8;
    o.autoApprove = true;
    o.verifiedChosen = false; // stories260K rarely answers right: pairs by score alone
    o.sft.epochs = 1;
    o.sft.batchSize = 2;
    o.dpo.epochs = 1;
    // Sigmoid DPO without an NLL term, so the first step's loss is ln 2, which
    // tests check (the default IPO's is (1 / 2β)²).
    o.dpo.lossType = "sigmoid";
    o.dpo.beta = 0.1;
    o.dpo.nllWeight = 0.0;
    o.dpo.batchSize = 2;
    return o;
}

} // namespace rlrf::test
