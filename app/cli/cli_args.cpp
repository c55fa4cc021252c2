#include "cli/cli_args.h"

#include <cerrno>
#include <cstdlib>

namespace rlrf::cli {

std::string ParsedArgs::value(const std::string &name, const std::string &fallback) const
{
    const auto it = m_values.find(name);
    return it == m_values.end() || it->second.empty() ? fallback : it->second.back();
}

std::string ParsedArgs::required(const std::string &name) const
{
    const auto it = m_values.find(name);
    if (it == m_values.end() || it->second.empty())
        throw UsageError("missing required option --" + name);
    return it->second.back();
}

std::vector<std::string> ParsedArgs::values(const std::string &name) const
{
    const auto it = m_values.find(name);
    return it == m_values.end() ? std::vector<std::string>{} : it->second;
}

long long ParsedArgs::intValue(const std::string &name, long long fallback) const
{
    if (!has(name))
        return fallback;
    const std::string text = value(name);
    char *end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE)
        throw UsageError("--" + name + " expects a whole number, got '" + text + "'");
    return v;
}

double ParsedArgs::doubleValue(const std::string &name, double fallback) const
{
    if (!has(name))
        return fallback;
    const std::string text = value(name);
    char *end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || errno == ERANGE)
        throw UsageError("--" + name + " expects a number, got '" + text + "'");
    return v;
}

ParsedArgs parseArgs(int argc, char **argv, int first, const std::vector<OptionSpec> &options)
{
    ParsedArgs parsed;
    for (int i = first; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--") {
            for (++i; i < argc; ++i)
                parsed.positional.emplace_back(argv[i]);
            break;
        }
        if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
            parsed.positional.push_back(arg);
            continue;
        }
        std::string name = arg.substr(2);
        std::optional<std::string> inlineValue;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        const OptionSpec *spec = nullptr;
        for (const auto &o : options)
            if (o.name == name)
                spec = &o;
        if (!spec)
            throw UsageError("unknown option --" + name);
        if (spec->valueName.empty()) {
            if (inlineValue)
                throw UsageError("--" + name + " takes no value");
            parsed.add(name, "1");
            continue;
        }
        if (!inlineValue) {
            if (i + 1 >= argc)
                throw UsageError("--" + name + " needs a value (" + spec->valueName + ")");
            inlineValue = argv[++i];
        }
        if (parsed.has(name) && !spec->repeatable)
            throw UsageError("--" + name + " given more than once");
        parsed.add(name, *inlineValue);
    }
    return parsed;
}

} // namespace rlrf::cli
