// spdlog set-up shared by the CLI, the GUI and the tests. Every module logs through
// a named logger that shares one set of sinks, so a host (the GUI's Log panel) can
// attach a sink once and see everything.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace rlrf::log {

// Creates the shared sinks (stderr) and sets the level; safe to call more than once.
void init(spdlog::level::level_enum level = spdlog::level::info);

// A logger for one module ("model", "store", "pipeline", ...), created on first use
// with the shared sinks.
std::shared_ptr<spdlog::logger> get(const std::string &module);

// Adds a sink to every existing and future logger (the GUI's Log panel).
void attachSink(const spdlog::sink_ptr &sink);
void detachSink(const spdlog::sink_ptr &sink);

// Silences the console sink (GUI tests, --quiet) while attached sinks still receive.
void setConsoleLevel(spdlog::level::level_enum level);

} // namespace rlrf::log
