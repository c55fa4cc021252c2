// SPDX-License-Identifier: GPL-3.0-or-later
// Wrong answers to arith problems, made on purpose for the demo model's refinement
// and reflection training data: the mistakes a small model makes (a slipped
// result carried on through the chain, a wrong operation, a number taken from the
// wrong sentence, a skipped step, a missing Answer line). Torch-free.
#pragma once

#include "tasks/arith/arith_problem.h"

#include <optional>
#include <random>
#include <string>

namespace rlrf::demo {

enum class FlawKind { ArithmeticSlip, WrongOperation, WrongStoryNumber, MissingStep, MissingAnswerLine };

/// A wrong answer of the given kind, or nothing when the problem cannot carry it
/// (a one-step problem cannot skip a step; a changed number can make a later
/// division inexact, and then another draw is needed). Later steps are chained
/// correctly from the wrong value, as a model that slipped once would go on.
std::optional<std::string> flawedAnswer(const tasks::ArithProblem &problem, FlawKind kind, std::mt19937_64 &rng);

/// A kind drawn with the demo mix: mostly arithmetic slips, like a small model's.
FlawKind drawFlawKind(std::mt19937_64 &rng);

/// Some flawed answer (tries kinds until one applies); the canonical answer with
/// its Answer line removed when nothing else applies.
std::string someFlawedAnswer(const tasks::ArithProblem &problem, std::mt19937_64 &rng);

} // namespace rlrf::demo
