// Template part of json_io.h.
#pragma once

#include "core/error.h"

namespace rlrf::json {

template <typename T>
T require(const nlohmann::json &object, const std::string &key, const std::string &file)
{
    if (!object.is_object())
        throw Error("expected a JSON object", {file, 0, key});
    const auto it = object.find(key);
    if (it == object.end() || it->is_null())
        throw Error("missing required field", {file, 0, key});
    try {
        return it->get<T>();
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("wrong type: ") + e.what(), {file, 0, key});
    }
}

template <typename T>
void readOptional(const nlohmann::json &object, const char *key, T &target, const std::string &file)
{
    const auto it = object.find(key);
    if (it == object.end())
        return;
    try {
        target = it->get<T>();
    } catch (const nlohmann::json::exception &e) {
        throw Error("wrong type: " + std::string(e.what()), {file, 0, key});
    }
}

} // namespace rlrf::json
