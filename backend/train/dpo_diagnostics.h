// SPDX-License-Identifier: GPL-3.0-or-later
// Known failure patterns of a DPO run, read off its metric series, so the live
// plot can flag them while the run goes on:
//  - reference mismatch: at step 1 the policy equals the reference, so the sigmoid
//    loss starts at ln 2; a first loss far from it means the reference is not the
//    policy's starting model (or the cache belongs to another one);
//  - likelihood displacement: the log-probs of chosen and rejected answers both
//    falling over a window — the margin grows only because rejected falls faster,
//    and the chosen answers get less likely too.
// Torch-free, Qt-free.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace rlrf::train {

using MetricSeries = std::vector<std::pair<std::int64_t, double>>; // (step, value) by step

struct DpoWarning {
    std::string kind;    // "reference_mismatch", "likelihood_displacement"
    std::int64_t step = 0; // where to flag it on the plot
    std::string message;
};

struct DpoDiagnosticsOptions {
    double lossTolerance = 0.05; // |first loss - ln 2| above this is a mismatch
    std::size_t window = 5;      // steps over which both log-probs must fall
};

/// `lossType` "sigmoid" is the only loss whose start value is ln 2; for the
/// others the first check is skipped.
std::vector<DpoWarning> diagnoseDpo(const MetricSeries &loss, const MetricSeries &logpsChosen,
                                    const MetricSeries &logpsRejected, const std::string &lossType = "sigmoid",
                                    const DpoDiagnosticsOptions &options = {});

} // namespace rlrf::train
