// An spdlog sink that keeps formatted lines for the GUI. Any thread may log; the
// GUI thread drains the buffer on a timer (ui/views/log_view), so the number of
// GUI updates is bounded whatever the log rate and no signal crosses threads.
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace rlrf::ui {

struct LogLine {
    spdlog::level::level_enum level;
    std::string text;
};

class QtLogSink : public spdlog::sinks::base_sink<std::mutex> {
public:
    explicit QtLogSink(size_t capacity = 10000);

    // Takes every line logged since the last call (oldest first).
    std::vector<LogLine> drain();
    size_t dropped() const;

protected:
    void sink_it_(const spdlog::details::log_msg &msg) override;
    void flush_() override {}

private:
    mutable std::mutex m_bufferMutex;
    std::deque<LogLine> m_lines;
    size_t m_capacity;
    size_t m_dropped = 0;
};

} // namespace rlrf::ui
