#include "train/lr_schedule.h"

#include "core/error.h"

#include <algorithm>
#include <cmath>

namespace rlrf::train {

double learningRateAt(const ScheduleConfig &c, std::int64_t step)
{
    if (c.warmupSteps > 0 && step < c.warmupSteps)
        return c.peakLearningRate * static_cast<double>(step + 1) / static_cast<double>(c.warmupSteps);
    const double floor = c.peakLearningRate * c.minLearningRateRatio;
    const std::int64_t decaySteps = std::max<std::int64_t>(1, c.totalSteps - c.warmupSteps);
    const double progress = std::clamp(static_cast<double>(step - c.warmupSteps) / static_cast<double>(decaySteps), 0.0, 1.0);
    switch (c.kind) {
    case ScheduleKind::Constant:
        return c.peakLearningRate;
    case ScheduleKind::Linear:
        return floor + (c.peakLearningRate - floor) * (1.0 - progress);
    case ScheduleKind::Cosine:
        return floor + (c.peakLearningRate - floor) * 0.5 * (1.0 + std::cos(M_PI * progress));
    }
    return c.peakLearningRate;
}

std::int64_t warmupStepsFromRatio(double ratio, std::int64_t totalSteps)
{
    if (ratio <= 0.0)
        return 0;
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(ratio * static_cast<double>(totalSteps))));
}

} // namespace rlrf::train
