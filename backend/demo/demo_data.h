// SPDX-License-Identifier: GPL-3.0-or-later
// The demo model's supervised data (METHOD.md §3), in the exact conversations of
// types/prompt_formats.h:
//   answer     — problem → canonical answer;
//   refinement — problem + flawed draft + the rule judge's feedback → canonical answer;
//   reflection — problem + failed attempt + the reflect request → a short reflection;
//   retry      — the same with the reflection in context + the retry request → canonical answer.
// Only training-split problems are used. Torch-free.
#pragma once

#include "tasks/arith/arith_reflection.h"
#include "tasks/arith/arith_task.h"
#include "types/prompt_formats.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::demo {

/// What a retry example's completion is: the whole canonical answer, or only its
/// Answer line (after a worked reflection the steps are already written, and a
/// retry that must repeat them re-solves the story instead of following them).
enum class RetryForm { Full, AnswerLine };

const char *toString(RetryForm form);
/// Throws rlrf::Error naming the text for anything but "full" or "answer-line".
RetryForm parseRetryForm(const std::string &text);

/// Which task's problems the data is made of: arith (demo_data.cpp) or the
/// task's default Countdown (countdown_demo_data.h).
enum class DemoTask { Arith, Countdown };

struct DemoDataOptions {
    DemoTask taskKind = DemoTask::Arith;
    std::size_t answers = 16000;
    std::size_t refinements = 4000;
    std::size_t reflections = 2000; // each gives a reflection and a retry example
    std::size_t extraRetries = 0;   // retry examples alone, each on a problem of its own
    ReflectionForm reflectionForm = ReflectionForm::Diagnosis;
    RetryForm retryForm = RetryForm::Full;
    std::uint64_t seed = 1;
    tasks::ArithConfig task; // arith only
};

struct DemoExample {
    std::string kind;            // "answer", "refinement", "reflection", "retry"
    prompts::Messages messages; // ends with the user turn the completion answers
    std::string completion;
};

/// Deterministic for the same options; shuffled so the kinds are mixed.
std::vector<DemoExample> makeDemoExamples(const DemoDataOptions &options);

nlohmann::json toJson(const DemoDataOptions &options);

} // namespace rlrf::demo
