// SPDX-License-Identifier: GPL-3.0-or-later
// Win rate of one model against another on the same prompts (the Iterations
// dashboard's "win rate against the previous model"): per prompt the newer answer
// wins, ties or loses; win rate = (wins + ties / 2) / prompts both answered, the
// usual pairwise win rate with ties split evenly. A pure function of the stored
// evaluation answers; torch-free, Qt-free.
#pragma once

#include "store/eval_answer_repository.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace rlrf::eval {

struct WinRate {
    std::int64_t wins = 0;
    std::int64_t ties = 0;
    std::int64_t losses = 0;

    std::int64_t prompts() const { return wins + ties + losses; }
    /// (wins + ties / 2) / prompts; none when no prompt was answered by both.
    std::optional<double> rate() const;
};

/// +1 when `a` beats `b`, -1 when it loses, 0 for a tie. Identical answers tie;
/// when both carry a verifier verdict, a correct answer beats a wrong one; then
/// the judge's higher overall score wins (equal scores tie).
int compareAnswers(const store::EvalAnswerRecord &a, const store::EvalAnswerRecord &b);

/// Compares `current` with `previous` on the prompts both answered (matched by
/// prompt id; prompts only one of them has are left out). Throws rlrf::Error
/// naming the prompt when a list holds a prompt twice or a score is not finite.
WinRate winRate(const std::vector<store::EvalAnswerRecord> &current,
                const std::vector<store::EvalAnswerRecord> &previous);

} // namespace rlrf::eval
