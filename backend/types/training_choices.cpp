// SPDX-License-Identifier: GPL-3.0-or-later
#include "types/training_choices.h"

#include "core/error.h"

namespace rlrf::train {

ScheduleKind scheduleKindFromString(const std::string &name)
{
    if (name == "constant")
        return ScheduleKind::Constant;
    if (name == "linear")
        return ScheduleKind::Linear;
    if (name == "cosine")
        return ScheduleKind::Cosine;
    throw Error("unknown learning-rate schedule '" + name + "' (constant, linear, cosine)", {"", 0, "lr_scheduler"});
}

std::string toString(ScheduleKind kind)
{
    switch (kind) {
    case ScheduleKind::Constant: return "constant";
    case ScheduleKind::Linear: return "linear";
    case ScheduleKind::Cosine: return "cosine";
    }
    return "cosine";
}

PreferenceLoss preferenceLossFromString(const std::string &name)
{
    if (name == "sigmoid" || name == "dpo")
        return PreferenceLoss::Sigmoid;
    if (name == "ipo")
        return PreferenceLoss::Ipo;
    if (name == "hinge")
        return PreferenceLoss::Hinge;
    if (name == "apo_zero")
        return PreferenceLoss::ApoZero;
    if (name == "apo_down")
        return PreferenceLoss::ApoDown;
    throw Error("unknown preference loss '" + name + "' (sigmoid, ipo, hinge, apo_zero, apo_down)", {"", 0, "loss_type"});
}

std::string toString(PreferenceLoss loss)
{
    switch (loss) {
    case PreferenceLoss::Sigmoid: return "sigmoid";
    case PreferenceLoss::Ipo: return "ipo";
    case PreferenceLoss::Hinge: return "hinge";
    case PreferenceLoss::ApoZero: return "apo_zero";
    case PreferenceLoss::ApoDown: return "apo_down";
    }
    return "sigmoid";
}

} // namespace rlrf::train
