// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/rrr/seen_training_queries.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace rlrf::rrr {

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
    if (recipeTask != task || data["seed"].get<std::uint64_t>() != seed)
        return std::nullopt;
    return "the training queries of --seed " + std::to_string(seed) + " are " + task
        + " problems this model was fine-tuned on (" + file.string() + ": data seed " + std::to_string(seed)
        + "); its failures there are the ones fine-tuning could not fix, not its ordinary mistakes. "
          "Choose another --seed to train on problems it has not seen";
}

} // namespace rlrf::rrr
