// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/dpo_diagnostics.h"

#include <cmath>
#include <cstdio>

namespace rlrf::train {

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
    std::vector<DpoWarning> warnings;
    const double ln2 = std::log(2.0);
    if (lossType == "sigmoid" && !loss.empty() && std::abs(loss.front().second - ln2) > options.lossTolerance)
        warnings.push_back({"reference_mismatch", loss.front().first,
                            "reference mismatch: the first loss is " + fixed(loss.front().second, 4)
                                + ", far from ln 2 = 0.6931; is the reference the policy's starting model?"});
    if (fallingOver(logpsChosen, options.window) && fallingOver(logpsRejected, options.window)) {
        const auto first = logpsChosen.size() - options.window;
        warnings.push_back({"likelihood_displacement", logpsChosen.back().first,
                            "likelihood displacement: chosen and rejected log-probs both fell for "
                                + std::to_string(options.window) + " steps (chosen "
                                + fixed(logpsChosen[first].second, 2) + " -> " + fixed(logpsChosen.back().second, 2)
                                + ")"});
    }
    return warnings;
}

} // namespace rlrf::train
