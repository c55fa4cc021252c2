// SPDX-License-Identifier: GPL-3.0-or-later
// Field readers for tokenizer.json (see json_fields.h).
#include "model/tokenizer/json_fields.h"

#include "core/error.h"

namespace rlrf::model::detail {

std::string typeOf(const nlohmann::json &spec, const std::string &file, const std::string &field)
{
    if (!spec.is_object())
        throw Error("expected a JSON object", {file, 0, field});
    return stringField(spec, "type", file, field);
}

std::string stringField(const nlohmann::json &spec, const char *key, const std::string &file, const std::string &field)
{
    const auto it = spec.find(key);
    if (it == spec.end() || !it->is_string())
        throw Error(std::string("missing or not a string: '") + key + "'", {file, 0, field});
    return it->get<std::string>();
}

const nlohmann::json &arrayField(const nlohmann::json &spec, const char *key, const std::string &file,
                                 const std::string &field)
{
    const auto it = spec.find(key);
    if (it == spec.end() || !it->is_array())
        throw Error(std::string("missing or not a list: '") + key + "'", {file, 0, field});
    return *it;
}

bool boolField(const nlohmann::json &spec, const char *key, bool fallback, const std::string &file,
               const std::string &field)
{
    const auto it = spec.find(key);
    if (it == spec.end() || it->is_null())
        return fallback;
    if (!it->is_boolean())
        throw Error(std::string("not true or false: '") + key + "'", {file, 0, field});
    return it->get<bool>();
}

Pattern patternField(const nlohmann::json &spec, const std::string &file, const std::string &field)
{
    const auto it = spec.find("pattern");
    if (it != spec.end() && it->is_object()) {
        if (it->contains("Regex") && (*it)["Regex"].is_string())
            return {(*it)["Regex"].get<std::string>(), true};
        if (it->contains("String") && (*it)["String"].is_string())
            return {(*it)["String"].get<std::string>(), false};
    }
    throw Error("expected a pattern {\"String\": ...} or {\"Regex\": ...}", {file, 0, field + ".pattern"});
}

} // namespace rlrf::model::detail
