// What every long backend call takes: a cancel token and three callbacks with
// no-op defaults, so a test passes an empty context and the GUI worker turns them
// into queued signals.
#pragma once

#include "core/cancel_token.h"
#include "core/progress.h"

#include <cstdint>
#include <functional>
#include <string>

namespace rlrf {

struct RunContext {
    CancelToken cancel;
    std::function<void(const Progress &)> onProgress = [](const Progress &) {};
    std::function<void(std::int64_t step, const std::string &key, double value)> onMetric =
        [](std::int64_t, const std::string &, double) {};

    bool stopRequested() const { return cancel.stopRequested(); }
    void progress(std::int64_t done, std::int64_t total, const std::string &stage) const
    {
        onProgress(Progress{done, total, stage});
    }
    void metric(std::int64_t step, const std::string &key, double value) const
    {
        onMetric(step, key, value);
    }
};

} // namespace rlrf
