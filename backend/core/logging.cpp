#include "core/logging.h"

#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <mutex>

namespace rlrf::log {
namespace {

// One distributing sink behind every logger: attaching a sink to it reaches all
// loggers, including ones created before the attach.
struct Sinks {
    std::shared_ptr<spdlog::sinks::dist_sink_mt> dist = std::make_shared<spdlog::sinks::dist_sink_mt>();
    std::shared_ptr<spdlog::sinks::stderr_color_sink_mt> console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    spdlog::level::level_enum level = spdlog::level::info;
    std::once_flag once;
    std::mutex mutex;
};

Sinks &sinks()
{
    static Sinks s;
    std::call_once(s.once, [] {
        s.console->set_pattern("%^[%H:%M:%S.%e] [%n] %l:%$ %v");
        s.dist->add_sink(s.console);
    });
    return s;
}

} // namespace

void init(spdlog::level::level_enum level)
{
    auto &s = sinks();
    std::lock_guard lock(s.mutex);
    s.level = level;
    spdlog::set_level(level);
    auto def = spdlog::get("rlrf");
    if (!def) {
        def = std::make_shared<spdlog::logger>("rlrf", s.dist);
        spdlog::register_logger(def);
    }
    def->set_level(level);
    spdlog::set_default_logger(def);
}

std::shared_ptr<spdlog::logger> get(const std::string &module)
{
    auto &s = sinks();
    std::lock_guard lock(s.mutex);
    if (auto existing = spdlog::get(module))
        return existing;
    auto logger = std::make_shared<spdlog::logger>(module, s.dist);
    logger->set_level(s.level);
    spdlog::register_logger(logger);
    return logger;
}

void attachSink(const spdlog::sink_ptr &sink)
{
    sinks().dist->add_sink(sink);
}

void detachSink(const spdlog::sink_ptr &sink)
{
    sinks().dist->remove_sink(sink);
}

void setConsoleLevel(spdlog::level::level_enum level)
{
    sinks().console->set_level(level);
}

} // namespace rlrf::log
