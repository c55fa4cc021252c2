// Backend value types that travel in queued signals, declared to Qt once.
#pragma once

#include "core/runtime_info.h"

#include <QMetaType>

Q_DECLARE_METATYPE(rlrf::RuntimeInfo)

namespace rlrf::ui {
void registerMetaTypes();
} // namespace rlrf::ui
