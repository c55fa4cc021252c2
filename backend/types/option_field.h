// SPDX-License-Identifier: GPL-3.0-or-later
// One setting of a command as data: its command-line flag, its kind, its help,
// its accepted range and how it reads and writes a settings struct. The CLI
// builds its options and help from a table of these, and the window builds its
// form from the same table, so a default, a range or a help text exists once.
// The defaults themselves are the struct's member initialisers. Torch-free.
#pragma once

#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace rlrf::options {

enum class Kind {
    Integer, // a whole number in [minimum, maximum]
    Real,    // a number in [minimum, maximum] (or (minimum, ...] when minExclusive)
    Switch,  // on or off; on the command line `--flag` (and `--offFlag` when the default is on)
    Choice,  // one of `choices`
    List,    // some of `choices`, comma-separated
    Text,    // free text (a judge spec, a device, a path)
};

inline constexpr double kNoLimit = std::numeric_limits<double>::infinity();

template <class Settings>
struct Field {
    std::string flag;      // the command-line name without "--": "prompts"
    std::string valueName; // "N", "T", ...; empty for a switch
    Kind kind = Kind::Text;
    std::string help;      // without the default, which is added from the struct
    std::string key;       // the stored setting's key, as validate() names it ("prompts_per_iteration")
    double minimum = -kNoLimit;
    double maximum = kNoLimit;
    bool minExclusive = false;
    std::vector<std::string> choices;
    std::string offFlag;   // Switch: the flag that turns it off, e.g. "any-chosen"
    std::string offHelp;
    std::function<std::string(const Settings &)> get; // the value as the command line would write it
    std::function<void(Settings &, const std::string &)> set; // takes a value checked by checkValue()
};

/// "5e-05" -> "5e-5", 2048.0 -> "2048": how defaults read in help and forms.
std::string formatNumber(double value);
std::string joinList(const std::vector<std::string> &items);
std::vector<std::string> splitList(const std::string &text);

/// The range as a reader sees it: "1 to 100", "above 0", "at least 0"; empty when none.
std::string describeRange(Kind kind, double minimum, double maximum, bool minExclusive);

/// Checks `text` against the field's kind, range and choices; throws rlrf::Error
/// whose field is "--flag" and whose message says what is accepted.
void checkValue(const std::string &flag, Kind kind, double minimum, double maximum, bool minExclusive,
                const std::vector<std::string> &choices, const std::string &text);

template <class Settings>
void checkValue(const Field<Settings> &f, const std::string &text)
{
    checkValue(f.flag, f.kind, f.minimum, f.maximum, f.minExclusive, f.choices, text);
}

/// The help line with the choices and the default read from a default-constructed
/// `Settings`. An empty default adds nothing: such a field's help says what empty means.
template <class Settings>
std::string helpWithDefault(const Field<Settings> &f, const Settings &defaults = Settings{})
{
    const std::string value = f.get(defaults);
    if (f.kind == Kind::Switch)
        return f.help + (value == "1" ? " (default)" : "");
    std::string extra;
    if (f.kind == Kind::Choice || f.kind == Kind::List) {
        for (const auto &choice : f.choices)
            extra += (extra.empty() ? "" : ", ") + choice;
        extra += "; ";
    }
    if (value.empty())
        return extra.empty() ? f.help : f.help + " (" + extra.substr(0, extra.size() - 2) + ")";
    return f.help + " (" + extra + "default " + value + ")";
}

/// Applies `values` (flag -> text; a switch's text is "1" or "0") to `settings`,
/// checking each; unknown flags are errors. Throws rlrf::Error naming "--flag".
template <class Settings>
void applyValues(const std::vector<Field<Settings>> &fields, const std::map<std::string, std::string> &values,
                 Settings &settings);

/// The flag of the field a validate() error names by its settings key
/// ("prompts_per_iteration") or by "--flag"; empty when none matches.
template <class Settings>
std::string flagOfErrorField(const std::vector<Field<Settings>> &fields, const std::string &errorField)
{
    for (const auto &f : fields)
        if ((!f.key.empty() && f.key == errorField) || "--" + f.flag == errorField)
            return f.flag;
    return {};
}

[[noreturn]] void throwUnknownFlag(const std::string &flag);

template <class Settings>
void applyValues(const std::vector<Field<Settings>> &fields, const std::map<std::string, std::string> &values,
                 Settings &settings)
{
    for (const auto &[flag, text] : values) {
        const Field<Settings> *field = nullptr;
        for (const auto &f : fields)
            if (f.flag == flag)
                field = &f;
        if (!field)
            throwUnknownFlag(flag);
        checkValue(*field, text);
        field->set(settings, text);
    }
}

} // namespace rlrf::options
