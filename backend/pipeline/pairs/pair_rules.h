// SPDX-License-Identifier: GPL-3.0-or-later
// The pair rules of METHOD.md §1 as pure functions over one prompt's rated pool
// (samples D_y and refinements D_z): which candidate is chosen over which, and
// why. No store, no model: the pair stage feeds them, tests feed them by hand.
#pragma once

#include "types/critique.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rlrf::pipeline {

struct RatedCandidate {
    std::int64_t candidateId = 0;
    std::int64_t critiqueId = 0;
    std::optional<std::int64_t> parentCandidateId; // set for a refinement
    double overall = 0.0;                          // the critique's score in [0, 1]
    std::optional<double> reward;                  // a verifier's 0/1 when the judge has one
    std::vector<feedback::AspectRating> aspects;   // for Pareto dominance
};

struct PairProposal {
    std::int64_t chosenCandidateId = 0;
    std::int64_t rejectedCandidateId = 0;
    std::int64_t chosenCritiqueId = 0;
    std::int64_t rejectedCritiqueId = 0;
    std::string rule;
    double gap = 0.0; // chosen overall - rejected overall
};

struct PairRuleOptions {
    std::vector<std::string> rules = {"best_worst", "refined_vs_original"};
    double delta = 0.25;
    std::size_t maxPairs = 4; // per prompt, over all rules
    // Only pairs whose chosen answer the verifier accepts (reward 1) and whose
    // rejected answer it fails: on a task with a verifier, a pair of two wrong
    // answers teaches a small model nothing it can use. Pools without rewards (a
    // judge with no verifier) are not filtered.
    bool verifiedChosen = false;
};

/// Pairs of one prompt. Rules apply in the order given; a (chosen, rejected)
/// pair that an earlier rule produced is not repeated; at most maxPairs come out.
///  best_worst          the best against the worst of the pool, if the gap >= delta
///                      (ties: the earlier candidate in the pool)
///  refined_vs_original each original against its best refinement, if the
///                      refinement is ahead by >= delta
///  all_above_delta     every ordered pair with gap >= delta, largest gap first
///  pareto              a dominates b: no applicable aspect rated lower, at
///                      least one rated higher; largest gap first
/// Throws rlrf::Error for an unknown rule name.
std::vector<PairProposal> proposePairs(const std::vector<RatedCandidate> &pool, const PairRuleOptions &options);

/// Whether `a` dominates `b` on the aspects both rate (rating 0 = not applicable).
bool paretoDominates(const RatedCandidate &a, const RatedCandidate &b);

} // namespace rlrf::pipeline
