// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/config_fields.h"

#include "core/error.h"

#include <cmath>

namespace rlrf::model::detail {

ConfigFields::ConfigFields(const nlohmann::json &object, std::string file, std::string prefix)
    : m_object(object)
    , m_file(std::move(file))
    , m_prefix(std::move(prefix))
{
    if (!m_object.is_object())
        throw Error(std::string("expected a JSON object, found ") + m_object.type_name(),
                    {m_file, 0, m_prefix.empty() ? std::string() : m_prefix.substr(0, m_prefix.size() - 1)});
}

void ConfigFields::fail(const std::string &key, const std::string &message) const
{
    throw Error(message, {m_file, 0, field(key)});
}

bool ConfigFields::has(const std::string &key) const
{
    const auto it = m_object.find(key);
    return it != m_object.end() && !it->is_null();
}

const nlohmann::json &ConfigFields::raw(const std::string &key) const { return m_object.at(key); }

std::optional<std::int64_t> ConfigFields::integer(const std::string &key) const
{
    if (!has(key))
        return std::nullopt;
    const auto &v = raw(key);
    // 4096.0 is accepted as 4096 (some exporters write floats); 4096.5 is not.
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (!(std::fabs(d) < 9.0e15) || d != std::floor(d))
            fail(key, "expected an integer, found " + v.dump());
        return static_cast<std::int64_t>(d);
    }
    if (!v.is_number_integer())
        fail(key, "expected an integer, found " + v.dump());
    return v.get<std::int64_t>();
}

std::optional<double> ConfigFields::number(const std::string &key) const
{
    if (!has(key))
        return std::nullopt;
    if (!raw(key).is_number())
        fail(key, "expected a number, found " + raw(key).dump());
    return raw(key).get<double>();
}

std::optional<bool> ConfigFields::boolean(const std::string &key) const
{
    if (!has(key))
        return std::nullopt;
    if (!raw(key).is_boolean())
        fail(key, "expected true or false, found " + raw(key).dump());
    return raw(key).get<bool>();
}

std::optional<std::string> ConfigFields::text(const std::string &key) const
{
    if (!has(key))
        return std::nullopt;
    if (!raw(key).is_string())
        fail(key, "expected a string, found " + raw(key).dump());
    return raw(key).get<std::string>();
}

std::optional<std::int64_t> ConfigFields::positive(const std::string &key) const
{
    const auto value = integer(key);
    if (value && *value <= 0)
        fail(key, "must be a positive integer, found " + std::to_string(*value));
    return value;
}

std::int64_t ConfigFields::requiredPositive(const std::string &key) const
{
    if (!has(key))
        fail(key, "missing required field");
    return *positive(key);
}

std::optional<double> ConfigFields::positiveNumber(const std::string &key) const
{
    const auto value = number(key);
    if (value && !(*value > 0))
        fail(key, "must be a positive number, found " + raw(key).dump());
    return value;
}

double ConfigFields::requiredPositiveNumber(const std::string &key) const
{
    if (!has(key))
        fail(key, "missing required field");
    return *positiveNumber(key);
}

} // namespace rlrf::model::detail
