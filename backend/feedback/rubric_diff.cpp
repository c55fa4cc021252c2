// SPDX-License-Identifier: GPL-3.0-or-later
#include "feedback/rubric_diff.h"

#include <sstream>

namespace rlrf::feedback {
namespace {

std::string number(double value)
{
    std::ostringstream out;
    out << value; // shortest form people read: 1, 0.5, 2.25
    return out.str();
}

const RubricAspect *findAspect(const Rubric &rubric, const std::string &name, std::size_t *index = nullptr)
{
    for (std::size_t i = 0; i < rubric.aspects.size(); ++i) {
        if (rubric.aspects[i].name == name) {
            if (index)
                *index = i;
            return &rubric.aspects[i];
        }
    }
    return nullptr;
}

void compareField(std::vector<RubricChange> &out, const std::string &aspect, const std::string &field,
                  const std::string &before, const std::string &after)
{
    if (before != after)
        out.push_back({RubricChange::Kind::Changed, aspect, field, before, after});
}

void compareAspects(std::vector<RubricChange> &out, const RubricAspect &a, const RubricAspect &b)
{
    compareField(out, a.name, "description", a.description, b.description);
    compareField(out, a.name, "weight", number(a.weight), number(b.weight));
    compareField(out, a.name, "applies", a.applies ? "yes" : "no", b.applies ? "yes" : "no");
    for (std::size_t level = 0; level < a.levels.size(); ++level)
        compareField(out, a.name, "level " + std::to_string(level + 1), a.levels[level], b.levels[level]);
}

// Names present in both, in the order of `rubric`: a move is a change of place
// among these, so removing one aspect does not make every later one "moved".
std::vector<std::string> commonOrder(const Rubric &rubric, const Rubric &other)
{
    std::vector<std::string> names;
    for (const auto &aspect : rubric.aspects)
        if (findAspect(other, aspect.name))
            names.push_back(aspect.name);
    return names;
}

std::size_t indexOf(const std::vector<std::string> &names, const std::string &name)
{
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == name)
            return i;
    return names.size();
}

} // namespace

std::vector<RubricChange> diffRubrics(const Rubric &before, const Rubric &after)
{
    std::vector<RubricChange> out;
    compareField(out, {}, "name", before.name, after.name);
    compareField(out, {}, "description", before.description, after.description);
    const auto orderBefore = commonOrder(before, after);
    const auto orderAfter = commonOrder(after, before);
    for (std::size_t i = 0; i < before.aspects.size(); ++i) {
        const auto &old = before.aspects[i];
        std::size_t newIndex = 0;
        const RubricAspect *now = findAspect(after, old.name, &newIndex);
        if (!now) {
            out.push_back({RubricChange::Kind::AspectRemoved, old.name, "aspect", old.name, {}});
            continue;
        }
        if (indexOf(orderBefore, old.name) != indexOf(orderAfter, old.name))
            out.push_back({RubricChange::Kind::AspectMoved, old.name, "position", std::to_string(i + 1),
                           std::to_string(newIndex + 1)});
        compareAspects(out, old, *now);
    }
    for (const auto &aspect : after.aspects)
        if (!findAspect(before, aspect.name))
            out.push_back({RubricChange::Kind::AspectAdded, aspect.name, "aspect", {}, aspect.name});
    return out;
}

std::string describeChange(const RubricChange &change)
{
    const std::string who = change.aspect.empty() ? std::string("rubric") : change.aspect;
    switch (change.kind) {
    case RubricChange::Kind::AspectAdded: return who + ": added";
    case RubricChange::Kind::AspectRemoved: return who + ": removed";
    case RubricChange::Kind::AspectMoved: return who + ": moved from position " + change.before + " to " + change.after;
    case RubricChange::Kind::Changed: break;
    }
    return who + ": " + change.field + " \"" + change.before + "\" -> \"" + change.after + "\"";
}

} // namespace rlrf::feedback
