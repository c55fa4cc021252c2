// SPDX-License-Identifier: GPL-3.0-or-later
#include "types/option_field.h"

#include "core/error.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace rlrf::options {

std::string formatNumber(double value)
{
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    // Learning rates read as 1e-4, not 0.0001: small numbers in exponent form.
    const bool small = value != 0.0 && std::fabs(value) < 1e-3;
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, small ? "%.9e" : "%.10g", value);
    std::string text = buffer;
    // "5.000000000e-05" -> "5e-5", "1e+06" -> "1e6"
    if (const auto e = text.find('e'); e != std::string::npos) {
        std::string mantissa = text.substr(0, e);
        if (mantissa.find('.') != std::string::npos) {
            mantissa.erase(mantissa.find_last_not_of('0') + 1);
            if (mantissa.back() == '.')
                mantissa.pop_back();
        }
        std::string exponent = text.substr(e + 1);
        const bool negative = !exponent.empty() && exponent[0] == '-';
        if (!exponent.empty() && (exponent[0] == '-' || exponent[0] == '+'))
            exponent.erase(0, 1);
        exponent.erase(0, std::min(exponent.find_first_not_of('0'), exponent.size() - 1));
        text = mantissa + "e" + (negative ? "-" : "") + exponent;
    }
    return text;
}

std::string joinList(const std::vector<std::string> &items)
{
    std::string out;
    for (const auto &item : items)
        out += (out.empty() ? "" : ",") + item;
    return out;
}

std::vector<std::string> splitList(const std::string &text)
{
    std::vector<std::string> parts;
    std::stringstream in(text);
    for (std::string part; std::getline(in, part, ',');) {
        part.erase(0, part.find_first_not_of(' '));
        part.erase(part.find_last_not_of(' ') + 1);
        if (!part.empty())
            parts.push_back(part);
    }
    return parts;
}

std::string describeRange(Kind kind, double minimum, double maximum, bool minExclusive)
{
    if (kind != Kind::Integer && kind != Kind::Real)
        return {};
    const bool low = std::isfinite(minimum);
    const bool high = std::isfinite(maximum);
    if (low && high)
        return (minExclusive ? "above " + formatNumber(minimum) + " and up to " : formatNumber(minimum) + " to ")
               + formatNumber(maximum);
    if (low)
        return (minExclusive ? "above " : "at least ") + formatNumber(minimum);
    if (high)
        return "at most " + formatNumber(maximum);
    return {};
}

namespace {

std::string readable(const std::vector<std::string> &items)
{
    std::string out;
    for (const auto &item : items)
        out += (out.empty() ? "" : ", ") + item;
    return out;
}

} // namespace

void checkValue(const std::string &flag, Kind kind, double minimum, double maximum, bool minExclusive,
                const std::vector<std::string> &choices, const std::string &text)
{
    const ErrorSource where{"", 0, "--" + flag};
    auto fail = [&](const std::string &why) { throw Error(why, where); };
    switch (kind) {
    case Kind::Switch:
        if (text != "1" && text != "0")
            fail("is a switch (1 or 0), got '" + text + "'");
        return;
    case Kind::Text:
        return;
    case Kind::Choice:
        if (std::find(choices.begin(), choices.end(), text) == choices.end())
            fail("must be one of " + readable(choices) + ", got '" + text + "'");
        return;
    case Kind::List: {
        const auto items = splitList(text);
        if (items.empty())
            fail("needs at least one of " + readable(choices));
        for (const auto &item : items)
            if (std::find(choices.begin(), choices.end(), item) == choices.end())
                fail("'" + item + "' is not one of " + readable(choices));
        return;
    }
    case Kind::Integer:
    case Kind::Real: {
        char *end = nullptr;
        errno = 0;
        double value = 0.0;
        if (kind == Kind::Integer)
            value = static_cast<double>(std::strtoll(text.c_str(), &end, 10));
        else
            value = std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(value))
            fail(std::string("expects ") + (kind == Kind::Integer ? "a whole number" : "a number") + ", got '" + text
                 + "'");
        const bool tooLow = minExclusive ? !(value > minimum) : value < minimum;
        if (tooLow || value > maximum)
            fail("must be " + describeRange(kind, minimum, maximum, minExclusive) + ", got " + text);
        return;
    }
    }
}

void throwUnknownFlag(const std::string &flag)
{
    throw Error("unknown setting", {"", 0, "--" + flag});
}

} // namespace rlrf::options
