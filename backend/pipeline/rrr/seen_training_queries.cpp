// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/rrr/seen_training_queries.h"

#include "tasks/arith/arith_task.h"
#include "tasks/countdown/countdown_task.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace rlrf::rrr {
namespace {

bool fieldIs(const nlohmann::json &object, const char *key, std::int64_t value)
{
    return object.contains(key) && object[key].is_number_integer() && object[key].get<std::int64_t>() == value;
}

// Whether the recipe's task draws the problems `rlrf rrr`'s task draws: the
// run uses each task's default sizes (rrr_task_factory.cpp).
bool sameProblems(const std::string &task, const nlohmann::json &recipeTask)
{
    if (task == "arith") {
        const tasks::ArithConfig c;
        return fieldIs(recipeTask, "min_steps", c.minSteps) && fieldIs(recipeTask, "max_steps", c.maxSteps)
            && fieldIs(recipeTask, "max_value", c.maxValue);
    }
    if (task == "countdown") {
        const tasks::CountdownConfig c;
        return c.minNumbers == c.maxNumbers && fieldIs(recipeTask, "numbers", c.maxNumbers)
            && fieldIs(recipeTask, "max_number", c.maxNumber) && fieldIs(recipeTask, "max_target", c.maxTarget);
    }
    return false;
}

} // namespace

std::optional<std::string> seenTrainingQueriesWarning(const std::string &modelDir, const std::string &task,
                                                      std::uint64_t seed)
{
    const auto file = std::filesystem::path(modelDir) / "recipe.json";
    std::ifstream in(file);
    if (!in)
        return std::nullopt;
    const auto recipe = nlohmann::json::parse(in, nullptr, false);
    if (!recipe.is_object() || !recipe.contains("data") || !recipe["data"].is_object())
        return std::nullopt;
    const auto &data = recipe["data"];
    if (!data.contains("seed") || !data["seed"].is_number_unsigned() || !data.contains("task")
        || !data["task"].is_object())
        return std::nullopt;
    // The arith recipes predate the task's name in recipe.json; only they lack it.
    const auto &name = data["task"].contains("name") ? data["task"]["name"] : nlohmann::json("arith");
    if (!name.is_string())
        return std::nullopt;
    const auto recipeTask = name.get<std::string>();
    if (recipeTask != task || data["seed"].get<std::uint64_t>() != seed || !sameProblems(task, data["task"]))
        return std::nullopt;
    return "the training queries of --seed " + std::to_string(seed) + " are " + task
        + " problems this model was fine-tuned on (" + file.string() + ": data seed " + std::to_string(seed)
        + "); its failures there are the ones fine-tuning could not fix, not its ordinary mistakes. "
          "Choose another --seed to train on problems it has not seen";
}

} // namespace rlrf::rrr
