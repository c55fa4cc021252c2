// SPDX-License-Identifier: GPL-3.0-or-later
// The countdown-demo model's supervised data: Countdown puzzles of the task's
// default size (3 numbers up to 100, targets up to 100), in the conversations of
// types/prompt_formats.h:
//   answer     — puzzle → "EQUATION = TARGET";
//   reflection — puzzle + a wrong equation + the reflect request → the task's
//                reflection form (countdownReflection: "… One that does: EQ");
//   retry      — the same with the reflection in context → "EQ = TARGET", read
//                off the reflection, so the retry is only as good as it.
// Every equation is the task's own solver's (the oracle's), so the model learns
// one deterministic way to write a solution. The wrong equations use the
// puzzle's numbers in another order or with other operations, or one number
// changed, and claim the target, as a model's failed attempt does.
// Only training-split puzzles are used. Torch-free.
#pragma once

#include "demo/demo_data.h"

#include <vector>

namespace rlrf::demo {

/// Deterministic for the same options; shuffled so the kinds are mixed. Uses
/// answers, reflections, extraRetries and seed; throws rlrf::Error when asked
/// for refinements (RLRF's refinement needs the arith rule judge).
std::vector<DemoExample> makeCountdownDemoExamples(const DemoDataOptions &options);

} // namespace rlrf::demo
