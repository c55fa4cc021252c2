// SPDX-License-Identifier: GPL-3.0-or-later
// A command's options from a settings table (types/option_field.h): the specs
// `--help` lists, with defaults read from the settings struct, and the parsed
// command line turned back into the table's flag -> text values.
#pragma once

#include "cli/cli_args.h"
#include "types/option_field.h"

#include <map>
#include <string>
#include <vector>

namespace rlrf::cli {

template <class Settings>
void appendOptionSpecs(const std::vector<options::Field<Settings>> &fields, std::vector<OptionSpec> &specs)
{
    for (const auto &f : fields) {
        specs.push_back({f.flag, f.valueName, options::helpWithDefault(f)});
        if (!f.offFlag.empty())
            specs.push_back({f.offFlag, "", f.offHelp});
    }
}

template <class Settings>
std::vector<OptionSpec> optionSpecs(const std::vector<options::Field<Settings>> &fields,
                                    const std::vector<OptionSpec> &more = {})
{
    std::vector<OptionSpec> specs;
    appendOptionSpecs(fields, specs);
    specs.insert(specs.end(), more.begin(), more.end());
    return specs;
}

/// The table's flags given on the command line, as the table's values.
template <class Settings>
std::map<std::string, std::string> tableValues(const std::vector<options::Field<Settings>> &fields,
                                               const ParsedArgs &args)
{
    std::map<std::string, std::string> values;
    for (const auto &f : fields) {
        if (f.kind == options::Kind::Switch) {
            if (args.has(f.flag) && !f.offFlag.empty() && args.has(f.offFlag))
                throw UsageError("--" + f.flag + " and --" + f.offFlag + " contradict each other");
            if (args.has(f.flag))
                values[f.flag] = "1";
            else if (!f.offFlag.empty() && args.has(f.offFlag))
                values[f.flag] = "0";
        } else if (args.has(f.flag)) {
            values[f.flag] = args.value(f.flag);
        }
    }
    return values;
}

} // namespace rlrf::cli
