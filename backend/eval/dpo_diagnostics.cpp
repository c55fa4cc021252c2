// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/dpo_diagnostics.h"

#include <cmath>
#include <cstdio>

namespace rlrf::eval {

namespace {

std::string fixed(double value, int digits)
{
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", digits, value);
    return text;
}

// Strictly falling at every step of the last `window` steps.
bool fallingOver(const MetricSeries &series, std::size_t window)
{
    if (window < 2 || series.size() < window)
        return false;
    for (std::size_t i = series.size() - window + 1; i < series.size(); ++i)
        if (!(series[i].second < series[i - 1].second))
            return false;
    return true;
}

} // namespace

std::vector<DpoWarning> diagnoseDpo(const MetricSeries &loss, const MetricSeries &logpsChosen,
                                    const MetricSeries &logpsRejected, const std::string &lossType,
                                    const DpoDiagnosticsOptions &options)
{
    return diagnoseDpo(DpoSeries{loss, logpsChosen, logpsRejected, {}, {}}, lossType, options);
}

std::vector<DpoWarning> diagnoseDpo(const DpoSeries &s, const std::string &lossType, const DpoDiagnosticsOptions &options)
{
    std::vector<DpoWarning> warnings;
    if (!s.rewardsChosen.empty() && !s.rewardsRejected.empty()) {
        const double chosen = s.rewardsChosen.front().second, rejected = s.rewardsRejected.front().second;
        if (std::abs(chosen) > options.rewardTolerance || std::abs(rejected) > options.rewardTolerance)
            warnings.push_back({"reference_mismatch", s.rewardsChosen.front().first,
                                "reference mismatch: at the first step rewards/chosen is " + fixed(chosen, 4)
                                    + " and rewards/rejected " + fixed(rejected, 4)
                                    + ", not 0; is the reference the policy's starting model?"});
    } else if (lossType == "sigmoid" && !s.loss.empty()
               && std::abs(s.loss.front().second - std::log(2.0)) > options.lossTolerance) {
        warnings.push_back({"reference_mismatch", s.loss.front().first,
                            "reference mismatch: the first loss is " + fixed(s.loss.front().second, 4)
                                + ", far from ln 2 = 0.6931; is the reference the policy's starting model?"});
    }
    const auto &logpsChosen = s.logpsChosen;
    if (fallingOver(logpsChosen, options.window) && fallingOver(s.logpsRejected, options.window)) {
        const auto first = logpsChosen.size() - options.window;
        warnings.push_back({"likelihood_displacement", logpsChosen.back().first,
                            "likelihood displacement: chosen and rejected log-probs both fell for "
                                + std::to_string(options.window) + " steps (chosen "
                                + fixed(logpsChosen[first].second, 2) + " -> " + fixed(logpsChosen.back().second, 2)
                                + ")"});
    }
    return warnings;
}

} // namespace rlrf::eval
