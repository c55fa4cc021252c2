// SPDX-License-Identifier: GPL-3.0-or-later
// Backend value types that travel in queued signals, declared to Qt once.
#pragma once

#include "core/progress.h"
#include "core/runtime_info.h"

#include <QMetaType>

Q_DECLARE_METATYPE(rlrf::RuntimeInfo)
Q_DECLARE_METATYPE(rlrf::Outcome)

namespace rlrf::ui {

void registerMetaTypes();

} // namespace rlrf::ui
