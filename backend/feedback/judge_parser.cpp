#include "feedback/judge_parser.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

namespace rlrf::feedback {
namespace {

std::string lowerTrimmed(const std::string &s)
{
    const auto begin = s.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos)
        return {};
    const auto end = s.find_last_not_of(" \t\r\n");
    std::string out = s.substr(begin, end - begin + 1);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

// The first balanced {...} that parses as JSON. Models like to add prose or fences
// around the object; anything else about the answer stays strict.
std::optional<nlohmann::json> findJsonObject(const std::string &text, std::string &why)
{
    why = "no JSON object in the answer";
    for (size_t start = text.find('{'); start != std::string::npos; start = text.find('{', start + 1)) {
        int depth = 0;
        bool inString = false;
        for (size_t i = start; i < text.size(); ++i) {
            const char c = text[i];
            if (inString) {
                if (c == '\\')
                    ++i;
                else if (c == '"')
                    inString = false;
                continue;
            }
            if (c == '"')
                inString = true;
            else if (c == '{')
                ++depth;
            else if (c == '}' && --depth == 0) {
                try {
                    return nlohmann::json::parse(text.substr(start, i - start + 1));
                } catch (const nlohmann::json::exception &e) { // parse_error, and out_of_range for numbers like 1e99999
                    why = std::string("invalid JSON: ") + e.what();
                }
                break;
            }
        }
    }
    return std::nullopt;
}

std::optional<int> ratingOf(const nlohmann::json &value)
{
    if (value.is_number_integer()) {
        const auto v = value.get<long long>();
        if (v >= 1 && v <= 3)
            return static_cast<int>(v);
    } else if (value.is_string()) {
        const std::string s = lowerTrimmed(value.get<std::string>());
        if (s == "1" || s == "2" || s == "3")
            return s[0] - '0';
    }
    return std::nullopt;
}

Critique failed(Critique c, std::string why)
{
    c.parseStatus = ParseStatus::Failed;
    c.parseError = std::move(why);
    c.aspects.clear();
    return c;
}

} // namespace

Critique parseJudgeOutput(const std::string &text, const Rubric &rubric)
{
    Critique critique;
    critique.rawOutput = text;

    std::string why;
    const auto object = findJsonObject(text, why);
    if (!object)
        return failed(std::move(critique), why);
    if (!object->is_object() || !object->contains("ratings") || !(*object)["ratings"].is_array())
        return failed(std::move(critique), "the JSON object has no \"ratings\" list");

    std::map<std::string, size_t> index; // lower-case name -> rubric position
    for (size_t i = 0; i < rubric.aspects.size(); ++i)
        index[lowerTrimmed(rubric.aspects[i].name)] = i;

    std::vector<std::optional<AspectRating>> found(rubric.aspects.size());
    for (const auto &entry : (*object)["ratings"]) {
        if (!entry.is_object() || !entry.contains("aspect") || !entry["aspect"].is_string())
            return failed(std::move(critique), "a rating without an \"aspect\" name");
        const std::string name = entry["aspect"].get<std::string>();
        const auto it = index.find(lowerTrimmed(name));
        if (it == index.end())
            return failed(std::move(critique), "unknown aspect \"" + name + "\"");
        const RubricAspect &aspect = rubric.aspects[it->second];
        if (!aspect.applies)
            return failed(std::move(critique), "aspect \"" + aspect.name + "\" does not apply but was rated");
        if (found[it->second])
            return failed(std::move(critique), "aspect \"" + aspect.name + "\" rated twice");
        const auto rating = entry.contains("rating") ? ratingOf(entry["rating"]) : std::nullopt;
        if (!rating)
            return failed(std::move(critique), "aspect \"" + aspect.name + "\": rating must be 1, 2 or 3");
        if (!entry.contains("rationale") || !entry["rationale"].is_string()
            || lowerTrimmed(entry["rationale"].get<std::string>()).empty())
            return failed(std::move(critique), "aspect \"" + aspect.name + "\": missing rationale");
        found[it->second] = AspectRating{aspect.name, *rating, entry["rationale"].get<std::string>()};
    }

    for (size_t i = 0; i < rubric.aspects.size(); ++i) {
        const RubricAspect &aspect = rubric.aspects[i];
        if (!aspect.applies) {
            critique.aspects.push_back({aspect.name, kNotApplicable, "does not apply"});
            continue;
        }
        if (!found[i])
            return failed(std::move(critique), "aspect \"" + aspect.name + "\" was not rated");
        critique.aspects.push_back(*found[i]);
    }
    critique.parseStatus = ParseStatus::Ok;
    return critique;
}

} // namespace rlrf::feedback
