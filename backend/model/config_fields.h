// SPDX-License-Identifier: GPL-3.0-or-later
// Typed reads of config.json keys where absent and null mean "use the default" and
// every wrong type or value is an rlrf::Error naming the file and the (dotted) key.
// Backend-internal, used by the model config parser.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace rlrf::model::detail {

class ConfigFields {
public:
    /// `prefix` is prepended to keys in messages ("rope_scaling." for a nested object).
    ConfigFields(const nlohmann::json &object, std::string file, std::string prefix = {});

    bool has(const std::string &key) const;                    // present and not null
    const nlohmann::json &raw(const std::string &key) const;   // only after has()

    std::optional<std::int64_t> integer(const std::string &key) const;
    std::optional<double> number(const std::string &key) const;
    std::optional<bool> boolean(const std::string &key) const;
    std::optional<std::string> text(const std::string &key) const;

    std::int64_t requiredPositive(const std::string &key) const;
    std::optional<std::int64_t> positive(const std::string &key) const;
    double requiredPositiveNumber(const std::string &key) const;
    std::optional<double> positiveNumber(const std::string &key) const;

    [[noreturn]] void fail(const std::string &key, const std::string &message) const;
    std::string field(const std::string &key) const { return m_prefix + key; }
    const std::string &file() const { return m_file; }

private:
    const nlohmann::json &m_object;
    std::string m_file;
    std::string m_prefix;
};

} // namespace rlrf::model::detail
