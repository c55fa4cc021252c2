// Reading JSON files with errors that name the file, the line and the cause.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace rlrf::json {

// Whole file as text; throws rlrf::Error naming the path if it cannot be read.
std::string readTextFile(const std::string &path);

// Parses a JSON document; throws rlrf::Error "FILE:LINE: invalid JSON: cause".
nlohmann::json parse(const std::string &text, const std::string &fileForErrors, long firstLine = 1);

nlohmann::json readFile(const std::string &path);

// Writes a file atomically (temporary file, then rename), so a crash never leaves
// half a file behind.
void writeFileAtomically(const std::string &path, const std::string &contents);

// Typed access with an error naming the file and the key when absent or mistyped.
template <typename T>
T require(const nlohmann::json &object, const std::string &key, const std::string &file);

// Optional typed field: leaves `target` (its default) when the key is absent;
// a mistyped value is an error naming the file and the key.
template <typename T>
void readOptional(const nlohmann::json &object, const char *key, T &target, const std::string &file);

} // namespace rlrf::json

#include "core/json_io_impl.h"
