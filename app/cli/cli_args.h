// A small Qt-free command-line parser: subcommands with `--long value` options,
// `--flag` switches and positional arguments, validated against the command's spec.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace rlrf::cli {

// A mistake in the command line: exit code 2 and the command's usage.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct OptionSpec {
    std::string name;     // without the leading "--"
    std::string valueName; // "DIR", "N", ...; empty = a switch without value
    std::string help;
    bool repeatable = false;
};

class ParsedArgs {
public:
    std::vector<std::string> positional;

    bool has(const std::string &name) const { return m_values.count(name) > 0; }
    std::string value(const std::string &name, const std::string &fallback = {}) const;
    std::string required(const std::string &name) const;
    std::vector<std::string> values(const std::string &name) const;
    long long intValue(const std::string &name, long long fallback) const;
    double doubleValue(const std::string &name, double fallback) const;

    void add(const std::string &name, const std::string &value) { m_values[name].push_back(value); }

private:
    std::map<std::string, std::vector<std::string>> m_values;
};

// Parses argv[first..argc) against `options`; throws UsageError naming the
// offending argument.
ParsedArgs parseArgs(int argc, char **argv, int first, const std::vector<OptionSpec> &options);

} // namespace rlrf::cli
