#include "worker/qt_log_sink.h"

#include <spdlog/pattern_formatter.h>

namespace rlrf::ui {

QtLogSink::QtLogSink(size_t capacity)
    : m_capacity(capacity)
{
    set_formatter(std::make_unique<spdlog::pattern_formatter>("%H:%M:%S.%e [%n] %l: %v", spdlog::pattern_time_type::local, ""));
}

void QtLogSink::sink_it_(const spdlog::details::log_msg &msg)
{
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::lock_guard lock(m_bufferMutex);
    if (m_lines.size() >= m_capacity) {
        m_lines.pop_front(); // a flood never grows memory without bound
        ++m_dropped;
    }
    m_lines.push_back({msg.level, std::string(formatted.data(), formatted.size())});
}

std::vector<LogLine> QtLogSink::drain()
{
    std::lock_guard lock(m_bufferMutex);
    std::vector<LogLine> out(std::make_move_iterator(m_lines.begin()), std::make_move_iterator(m_lines.end()));
    m_lines.clear();
    return out;
}

size_t QtLogSink::dropped() const
{
    std::lock_guard lock(m_bufferMutex);
    return m_dropped;
}

} // namespace rlrf::ui
