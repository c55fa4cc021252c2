#include "train/grpo_advantages.h"

#include <cmath>

namespace rlrf::train {

GroupAdvantages groupAdvantages(const std::vector<double> &rewards, double eps, bool scaleByStd)
{
    GroupAdvantages out;
    const size_t n = rewards.size();
    out.advantages.assign(n, 0.0);
    if (n == 0) {
        out.zeroSpread = true;
        return out;
    }
    for (double r : rewards)
        out.mean += r;
    out.mean /= static_cast<double>(n);
    double squares = 0.0;
    for (double r : rewards)
        squares += (r - out.mean) * (r - out.mean);
    out.stddev = n > 1 ? std::sqrt(squares / static_cast<double>(n - 1)) : 0.0;
    out.zeroSpread = squares == 0.0;
    if (out.zeroSpread)
        return out;
    for (size_t i = 0; i < n; ++i)
        out.advantages[i] = scaleByStd ? (rewards[i] - out.mean) / (out.stddev + eps) : rewards[i] - out.mean;
    return out;
}

} // namespace rlrf::train
