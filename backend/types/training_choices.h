// SPDX-License-Identifier: GPL-3.0-or-later
// The named choices of a training run that settings, forms and stored runs
// speak of (learning-rate schedule, preference loss), with their names as the
// CLI and the project file write them. The trainers that act on them live in
// train/.
#pragma once

#include <string>

namespace rlrf::train {

enum class ScheduleKind { Constant, Linear, Cosine };

ScheduleKind scheduleKindFromString(const std::string &name); // throws rlrf::Error
std::string toString(ScheduleKind kind);

enum class PreferenceLoss { Sigmoid, Ipo, Hinge, ApoZero, ApoDown };

PreferenceLoss preferenceLossFromString(const std::string &name); // throws rlrf::Error
std::string toString(PreferenceLoss loss);

} // namespace rlrf::train
