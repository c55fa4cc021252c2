// SPDX-License-Identifier: GPL-3.0-or-later
// Two runs' models on the same held-out problems, problem by problem (the
// Iterations area's "Compare with…"): how many problems each got right that the
// other did not, and the paired differences (second − first) of accuracy and of
// the judge's overall score with their standard errors. Pairing removes the
// problem-to-problem spread that two independent accuracies would carry, so a
// difference of a few problems out of a few hundred can be read against its own
// noise. A pure function of the stored evaluation answers; torch-free, Qt-free.
#pragma once

#include "eval/win_rate.h"
#include "store/eval_answer_repository.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace rlrf::eval {

/// A mean of per-problem differences with its standard error (sample standard
/// deviation / sqrt(n); none for fewer than two problems).
struct PairedDifference {
    double mean = 0.0;
    std::optional<double> standardError;
};

struct PairedComparison {
    std::int64_t problems = 0;      // answered by both models
    // Among those, the problems where both carry a verifier verdict:
    std::int64_t judged = 0;
    std::int64_t bothRight = 0;
    std::int64_t firstOnlyRight = 0;
    std::int64_t secondOnlyRight = 0;
    std::int64_t bothWrong = 0;
    std::optional<PairedDifference> accuracy; // over `judged`: right = 1, wrong = 0
    std::optional<PairedDifference> overall;  // over `problems`
    WinRate secondAgainstFirst;               // eval::compareAnswers, problem by problem
};

/// Matches `first` and `second` by prompt id; problems only one answered are
/// left out. Throws rlrf::Error naming the prompt when a list holds a prompt
/// twice or a score is not finite.
PairedComparison pairedComparison(const std::vector<store::EvalAnswerRecord> &first,
                                  const std::vector<store::EvalAnswerRecord> &second);

} // namespace rlrf::eval
