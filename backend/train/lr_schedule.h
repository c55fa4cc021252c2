// Learning-rate schedules as pure functions of the step (no optimizer state), so the
// GUI can draw the planned curve before a run starts and a resumed run continues
// exactly where it stopped.
#pragma once

#include "types/training_choices.h"

#include <cstdint>
#include <string>

namespace rlrf::train {

struct ScheduleConfig {
    double peakLearningRate = 1e-5;
    ScheduleKind kind = ScheduleKind::Cosine;
    std::int64_t warmupSteps = 0;   // linear from 0 to the peak
    std::int64_t totalSteps = 1;    // the decay reaches its floor here
    double minLearningRateRatio = 0.0; // floor as a share of the peak
};

// Warm-up steps count from 1: step 0 of a warm-up gets peak / warmupSteps.
double learningRateAt(const ScheduleConfig &config, std::int64_t step);

// Warm-up steps from a ratio of the total (TRL's warmup_ratio), at least 1 when the
// ratio is positive.
std::int64_t warmupStepsFromRatio(double ratio, std::int64_t totalSteps);

} // namespace rlrf::train
