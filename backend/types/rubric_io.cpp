// SPDX-License-Identifier: GPL-3.0-or-later
#include "types/rubric_io.h"

#include "core/error.h"
#include "core/json_io.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace rlrf::feedback {
namespace {

using nlohmann::json;

void rejectUnknownKeys(const json &object, const std::set<std::string> &known, const std::string &file,
                       const std::string &prefix)
{
    for (const auto &item : object.items()) {
        if (known.count(item.key()) == 0) {
            std::string allowed;
            for (const auto &k : known)
                allowed += (allowed.empty() ? "" : ", ") + k;
            throw Error("unknown key (allowed: " + allowed + ")", {file, 0, prefix + item.key()});
        }
    }
}

std::string requireText(const json &object, const std::string &key, const std::string &file,
                        const std::string &field, bool allowEmpty = false)
{
    const auto it = object.find(key);
    if (it == object.end())
        throw Error("missing required field", {file, 0, field});
    if (!it->is_string())
        throw Error(std::string("must be a string, not ") + it->type_name(), {file, 0, field});
    const std::string text = it->get<std::string>();
    if (!allowEmpty && text.find_first_not_of(" \t\r\n") == std::string::npos)
        throw Error("must not be empty", {file, 0, field});
    return text;
}

std::array<std::string, 3> parseLevels(const json &levels, const std::string &file, const std::string &field)
{
    std::array<std::string, 3> out;
    if (levels.is_array()) {
        if (levels.size() != 3)
            throw Error("needs exactly three levels (1 fails, 2 partly meets, 3 fully meets), got "
                            + std::to_string(levels.size()),
                        {file, 0, field});
        for (size_t i = 0; i < 3; ++i) {
            const std::string itemField = field + "[" + std::to_string(i) + "]";
            if (!levels[i].is_string())
                throw Error(std::string("must be a string, not ") + levels[i].type_name(), {file, 0, itemField});
            out[i] = levels[i].get<std::string>();
            if (out[i].find_first_not_of(" \t\r\n") == std::string::npos)
                throw Error("must not be empty", {file, 0, itemField});
        }
        return out;
    }
    if (!levels.is_object())
        throw Error(std::string("must be an object {\"1\",\"2\",\"3\"} or a list of three, not ") + levels.type_name(),
                    {file, 0, field});
    rejectUnknownKeys(levels, {"1", "2", "3"}, file, field + ".");
    for (int level = 1; level <= 3; ++level) {
        const std::string key = std::to_string(level);
        if (!levels.contains(key))
            throw Error("missing level " + key, {file, 0, field});
        out[level - 1] = requireText(levels, key, file, field + "." + key);
    }
    return out;
}

RubricAspect parseAspect(const json &a, const std::string &file, const std::string &field)
{
    if (!a.is_object())
        throw Error(std::string("an aspect must be an object, not ") + a.type_name(), {file, 0, field});
    rejectUnknownKeys(a, {"name", "description", "levels", "weight", "applies"}, file, field + ".");
    RubricAspect aspect;
    aspect.name = requireText(a, "name", file, field + ".name");
    aspect.description = requireText(a, "description", file, field + ".description");
    if (!a.contains("levels"))
        throw Error("missing required field", {file, 0, field + ".levels"});
    aspect.levels = parseLevels(a.at("levels"), file, field + ".levels");
    if (const auto w = a.find("weight"); w != a.end()) {
        if (!w->is_number())
            throw Error(std::string("weight must be a number, not ") + w->type_name(), {file, 0, field + ".weight"});
        aspect.weight = w->get<double>();
        if (aspect.weight < 0.0)
            throw Error("weight must not be negative (" + w->dump() + ")", {file, 0, field + ".weight"});
    }
    if (const auto ap = a.find("applies"); ap != a.end()) {
        if (!ap->is_boolean())
            throw Error(std::string("applies must be true or false, not ") + ap->type_name(),
                        {file, 0, field + ".applies"});
        aspect.applies = ap->get<bool>();
    }
    return aspect;
}

std::string foldCase(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

} // namespace

Rubric parseRubric(const json &doc, const std::string &file, std::vector<std::string> *warnings)
{
    if (!doc.is_object())
        throw Error(std::string("a rubric must be a JSON object, not ") + doc.type_name(), {file, 0, {}});
    rejectUnknownKeys(doc, {"name", "description", "aspects"}, file, "");
    Rubric rubric;
    rubric.name = requireText(doc, "name", file, "name");
    rubric.description = doc.contains("description") ? requireText(doc, "description", file, "description", true) : "";
    const auto it = doc.find("aspects");
    if (it == doc.end())
        throw Error("missing required field", {file, 0, "aspects"});
    if (!it->is_array() || it->empty())
        throw Error("must be a non-empty list of aspects", {file, 0, "aspects"});
    std::set<std::string> seen;
    for (size_t i = 0; i < it->size(); ++i) {
        const std::string field = "aspects[" + std::to_string(i) + "]";
        RubricAspect aspect = parseAspect((*it)[i], file, field);
        if (!seen.insert(foldCase(aspect.name)).second)
            throw Error("duplicate aspect '" + aspect.name + "'", {file, 0, field + ".name"});
        rubric.aspects.push_back(std::move(aspect));
    }
    const bool scorable = std::any_of(rubric.aspects.begin(), rubric.aspects.end(),
                                      [](const RubricAspect &a) { return a.applies && a.weight > 0.0; });
    if (!scorable)
        throw Error("no aspect applies with a positive weight, so no overall score could be computed",
                    {file, 0, "aspects"});
    if (warnings && rubric.aspects.size() != kStandardAspectCount)
        warnings->push_back(file + ": rubric '" + rubric.name + "' has " + std::to_string(rubric.aspects.size())
                            + " aspects; the RLRF rubric has " + std::to_string(kStandardAspectCount));
    return rubric;
}

Rubric loadRubricFile(const std::string &path, std::vector<std::string> *warnings)
{
    return parseRubric(rlrf::json::readFile(path), path, warnings);
}

namespace {

// ordered_json keeps the documented key order in written files.
nlohmann::ordered_json orderedRubric(const Rubric &rubric)
{
    nlohmann::ordered_json doc;
    doc["name"] = rubric.name;
    doc["description"] = rubric.description;
    doc["aspects"] = nlohmann::ordered_json::array();
    for (const auto &a : rubric.aspects) {
        nlohmann::ordered_json aspect;
        aspect["name"] = a.name;
        aspect["description"] = a.description;
        aspect["levels"] = {{"1", a.levels[0]}, {"2", a.levels[1]}, {"3", a.levels[2]}};
        aspect["weight"] = a.weight;
        aspect["applies"] = a.applies;
        doc["aspects"].push_back(std::move(aspect));
    }
    return doc;
}

} // namespace

nlohmann::json rubricToJson(const Rubric &rubric)
{
    return nlohmann::json::parse(orderedRubric(rubric).dump());
}

std::string rubricToText(const Rubric &rubric)
{
    return orderedRubric(rubric).dump(2) + "\n";
}

void saveRubricFile(const std::string &path, const Rubric &rubric)
{
    rlrf::json::writeFileAtomically(path, rubricToText(rubric));
}

} // namespace rlrf::feedback
