// Lives in the backend thread. Every call into LibTorch (and every blocking SQL
// write) happens in its slots, never on the GUI thread.
#pragma once

#include "worker/meta_types.h"

#include <QObject>

namespace rlrf::ui {

class BackendWorker : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

public Q_SLOTS:
    // Sets LibTorch's thread count and reads the runtime facts (About dialog).
    void initialise();

Q_SIGNALS:
    void initialised(const rlrf::RuntimeInfo &info);
};

} // namespace rlrf::ui
