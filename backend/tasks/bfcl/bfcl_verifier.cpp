// SPDX-License-Identifier: GPL-3.0-or-later
// Matching a call against BFCL possible answers; the rules are in the header.
#include "tasks/bfcl/bfcl_verifier.h"

#include <cctype>
#include <cstring>

namespace rlrf::tasks {
namespace {

using nlohmann::json;

bool anyMatches(const json &given, const json &allowed);

bool mayOmit(const json &allowed)
{
    if (!allowed.is_array())
        return false;
    for (const auto &a : allowed)
        if (a.is_string() && a.get<std::string>().empty())
            return true;
    return false;
}

// `allowed` is one allowed value (not a list of alternatives).
bool valueMatches(const json &given, const json &allowed)
{
    if (allowed.is_object()) {
        if (!given.is_object())
            return false;
        for (auto it = given.begin(); it != given.end(); ++it)
            if (!allowed.contains(it.key()) || !anyMatches(it.value(), allowed[it.key()]))
                return false;
        for (auto it = allowed.begin(); it != allowed.end(); ++it)
            if (!given.contains(it.key()) && !mayOmit(it.value()))
                return false;
        return true;
    }
    if (allowed.is_array()) {
        if (!given.is_array() || given.size() != allowed.size())
            return false;
        for (std::size_t i = 0; i < given.size(); ++i)
            if (!valueMatches(given[i], allowed[i]))
                return false;
        return true;
    }
    if (allowed.is_string())
        return given.is_string() && bfclStandardize(given.get<std::string>()) == bfclStandardize(allowed.get<std::string>());
    if (allowed.is_number_integer())
        return given.is_number_integer() && given.get<std::int64_t>() == allowed.get<std::int64_t>();
    if (allowed.is_number_float())
        return given.is_number() && !given.is_boolean() && given.get<double>() == allowed.get<double>();
    return given == allowed; // booleans, null
}

// `allowed` is a list of alternatives; "" stands for "omitted", not a value.
bool anyMatches(const json &given, const json &allowed)
{
    if (!allowed.is_array())
        return valueMatches(given, allowed);
    // No alternatives at all: two live rows give [] for a required list
    // parameter whose evident answer is the empty list.
    if (allowed.empty())
        return given.is_array() && given.empty();
    for (const auto &a : allowed)
        if (valueMatches(given, a))
            return true;
    return false;
}

Verdict matchOne(const FunctionCall &call, const std::string &name, const json &params)
{
    if (call.name != name)
        return {false, "function '" + call.name + "' is not '" + name + "'"};
    if (!params.is_object())
        return {false, "possible answer for '" + name + "' is not an object"};
    for (auto it = call.arguments.begin(); it != call.arguments.end(); ++it) {
        if (!params.contains(it.key()))
            return {false, "unexpected argument '" + it.key() + "'"};
        if (!anyMatches(it.value(), params[it.key()]))
            return {false, "argument '" + it.key() + "' has a value that is not among the possible answers"};
    }
    for (auto it = params.begin(); it != params.end(); ++it)
        if (!call.arguments.contains(it.key()) && !mayOmit(it.value()))
            return {false, "missing required argument '" + it.key() + "'"};
    return {true, "matches " + name};
}

} // namespace

std::string bfclStandardize(const std::string &text)
{
    std::string out;
    for (char c : text) {
        if (std::strchr(" ,./-_*^", c) != nullptr && c != '\0')
            continue;
        out += c == '\'' ? '"' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

Verdict matchBfclCall(const FunctionCall &call, const nlohmann::json &groundTruth)
{
    if (!groundTruth.is_array() || groundTruth.empty())
        return {false, "the ground truth is not a non-empty list"};
    Verdict firstFailure{false, "function '" + call.name + "' is not in the ground truth"};
    for (const auto &entry : groundTruth) {
        if (!entry.is_object() || entry.size() != 1)
            return {false, "a ground-truth entry is not {function: {params}}"};
        const Verdict v = matchOne(call, entry.begin().key(), entry.begin().value());
        if (v.correct)
            return v;
        if (call.name == entry.begin().key())
            firstFailure = v;
    }
    return firstFailure;
}

Verdict verifyBfcl(const std::string &response, const nlohmann::json &groundTruth)
{
    std::string error;
    const auto call = parseFunctionCall(response, error);
    if (!call)
        return {false, error};
    return matchBfclCall(*call, groundTruth);
}

} // namespace rlrf::tasks
