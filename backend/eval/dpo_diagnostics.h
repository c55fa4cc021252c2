// SPDX-License-Identifier: GPL-3.0-or-later
// Known failure patterns of a DPO run, read off its metric series, so the live
// plot can flag them while the run goes on:
//  - reference mismatch: at step 1 the policy equals the reference, so every
//    implicit reward (beta times the policy's log-prob minus the reference's) is 0
//    and the sigmoid loss starts at ln 2; rewards away from 0, or a first sigmoid
//    loss far from ln 2 when no rewards are given, mean the reference is not the
//    policy's starting model (or the cache belongs to another one). The rewards
//    hold for every loss type and with an NLL term, which moves the loss off ln 2;
//  - likelihood displacement: the log-probs of chosen and rejected answers both
//    falling over a window — the margin grows only because rejected falls faster,
//    and the chosen answers get less likely too.
// Torch-free, Qt-free.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace rlrf::eval {

using MetricSeries = std::vector<std::pair<std::int64_t, double>>; // (step, value) by step

struct DpoWarning {
    std::string kind;    // "reference_mismatch", "likelihood_displacement"
    std::int64_t step = 0; // where to flag it on the plot
    std::string message;
};

struct DpoDiagnosticsOptions {
    double lossTolerance = 0.05;   // |first loss - ln 2| above this is a mismatch
    double rewardTolerance = 0.01; // |first rewards/chosen or /rejected| above this is one
    std::size_t window = 5;        // steps over which both log-probs must fall
};

/// The series the diagnosis reads ("dpo/loss", "dpo/logps/...", "dpo/rewards/...").
struct DpoSeries {
    MetricSeries loss, logpsChosen, logpsRejected, rewardsChosen, rewardsRejected;
};

/// With rewards, the mismatch check reads the first step's rewards, whatever the
/// loss type or NLL term; without, it reads the first sigmoid loss.
std::vector<DpoWarning> diagnoseDpo(const DpoSeries &series, const std::string &lossType = "sigmoid",
                                    const DpoDiagnosticsOptions &options = {});

/// `lossType` "sigmoid" is the only loss whose start value is ln 2; for the
/// others the first check is skipped.
std::vector<DpoWarning> diagnoseDpo(const MetricSeries &loss, const MetricSeries &logpsChosen,
                                    const MetricSeries &logpsRejected, const std::string &lossType = "sigmoid",
                                    const DpoDiagnosticsOptions &options = {});

} // namespace rlrf::eval
