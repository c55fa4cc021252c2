// SPDX-License-Identifier: GPL-3.0-or-later
// The arithmetic demo's story templates: rendering a chain of steps as a short
// story, and reading such a story back into steps (so a judge given only the
// prompt text knows the problem). Internal to the arith task.
#pragma once

#include "tasks/arith/arith_problem.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace rlrf::tasks::arith_story {

/// Choices the generator makes; indices wrap around the tables.
struct StoryChoice {
    std::size_t theme = 0;
    std::size_t object = 0;
    std::size_t name = 0;
    std::size_t friendName = 1;
    std::size_t startTemplate = 0;
    std::vector<std::size_t> eventTemplates; // one per step
    std::size_t question = 0;
};

std::size_t themeCount();
std::size_t objectCount(std::size_t theme);
std::size_t nameCount();
std::size_t startTemplateCount(std::size_t theme);
std::size_t eventTemplateCount(std::size_t theme, ArithOp op);
std::size_t questionCount();

/// The story and question for a chain of steps.
std::string render(const std::vector<ArithStep> &steps, const StoryChoice &choice);

/// The start amount and (op, number) per event read from a rendered story;
/// throws rlrf::Error naming the sentence that matches no template.
struct ParsedStory {
    long start = 0;
    std::vector<std::pair<ArithOp, long>> events;
};
ParsedStory parse(const std::string &prompt);

} // namespace rlrf::tasks::arith_story
