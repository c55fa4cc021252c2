// SPDX-License-Identifier: GPL-3.0-or-later
// What a project holds, in counts: the summary `rlrf status` prints and the
// pipeline view's header shows.
#pragma once

#include "types/records.h"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>

namespace rlrf::store {

class Project;

struct ProjectStatus {
    ProjectInfo info;
    std::int64_t promptSets = 0;
    std::map<Split, std::int64_t> promptsBySplit;
    std::int64_t prompts = 0;
    std::int64_t candidates = 0;     // sampled answers (not refinements)
    std::int64_t refinements = 0;
    std::int64_t critiques = 0;
    std::int64_t critiqueParseFailures = 0;
    std::map<ReviewState, std::int64_t> pairsByState;
    std::int64_t iterations = 0;     // distinct iterations with candidates or runs
    std::optional<int> latestIteration;
    std::int64_t runs = 0;
    std::int64_t checkpoints = 0;
    std::optional<RubricVersion> rubric; // the current rubric version
};

ProjectStatus projectStatus(Project &project);

/// Keys in snake_case: prompts, prompts_by_split, candidates, refinements,
/// critiques, critique_parse_failures, pairs {pending, approved, rejected,
/// edited}, iterations, latest_iteration, runs, checkpoints, rubric, task, ...
nlohmann::json toJson(const ProjectStatus &status);
/// A few aligned lines for people.
std::string formatStatus(const ProjectStatus &status);

} // namespace rlrf::store
