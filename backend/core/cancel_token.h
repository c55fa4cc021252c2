// A shared stop flag. The GUI's Stop button and the CLI's Ctrl+C set it directly
// (never through a queued signal: the worker is busy in its loop); long backend
// loops check it between batches and between generated tokens.
#pragma once

#include <atomic>
#include <memory>

namespace rlrf {

class CancelToken {
public:
    void requestStop() { m_stop->store(true, std::memory_order_relaxed); }
    bool stopRequested() const { return m_stop->load(std::memory_order_relaxed); }
    void reset() { m_stop->store(false, std::memory_order_relaxed); }

private:
    std::shared_ptr<std::atomic<bool>> m_stop = std::make_shared<std::atomic<bool>>(false);
};

} // namespace rlrf
