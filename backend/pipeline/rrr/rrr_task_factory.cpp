// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/rrr/rrr_task_factory.h"

#include "core/error.h"
#include "store/import/dataset_importers.h"
#include "tasks/arith/arith_task.h"
#include "tasks/bfcl/bfcl_task.h"
#include "tasks/countdown/countdown_task.h"

namespace rlrf::rrr {

std::unique_ptr<tasks::Task> bfclTaskFromFile(const std::string &questionsPath, const std::string &answersPath)
{
    std::vector<tasks::BfclQuestion> questions;
    for (const auto &row : tasks::readBfcl(questionsPath, answersPath))
        questions.push_back({row.metadata.at("id").get<std::string>(), row.text,
                             row.metadata.at("functions").dump(), row.referenceAnswer.value_or("[]")});
    return std::make_unique<tasks::BfclTask>(std::move(questions), questionsPath);
}

const std::vector<std::string> &rrrTaskNames()
{
    static const std::vector<std::string> names = {"arith", "countdown", "bfcl"};
    return names;
}

std::unique_ptr<tasks::Task> makeRrrTask(const std::string &name, const std::string &dataPath)
{
    if (name == "arith") {
        if (!dataPath.empty())
            throw Error("the arith task generates its problems and takes no data file", {dataPath, 0, "data"});
        return std::make_unique<tasks::ArithTask>();
    }
    if (name == "countdown") {
        tasks::CountdownConfig config;
        config.testFile = dataPath;
        return std::make_unique<tasks::CountdownTask>(config);
    }
    if (name == "bfcl") {
        if (dataPath.empty())
            throw Error("the bfcl task needs a BFCL \"simple\" questions file (--data)", {{}, 0, "data"});
        return bfclTaskFromFile(dataPath);
    }
    throw Error("unknown task '" + name + "' (expected arith, countdown or bfcl)", {{}, 0, "task"});
}

} // namespace rlrf::rrr
