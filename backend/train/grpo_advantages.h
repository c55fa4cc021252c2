// Group-normalised advantages for GRPO: each reward minus its group's mean, divided
// by the group's standard deviation. Torch-free.
#pragma once

#include <vector>

namespace rlrf::train {

struct GroupAdvantages {
    std::vector<double> advantages;
    double mean = 0.0;
    double stddev = 0.0;   // with Bessel's correction, as TRL's GRPO computes it
    bool zeroSpread = false; // every reward equal: no learning signal, advantages 0
};

// eps keeps the division finite for tiny spreads (TRL adds 1e-4).
GroupAdvantages groupAdvantages(const std::vector<double> &rewards, double eps = 1e-4, bool scaleByStd = true);

} // namespace rlrf::train
