// SPDX-License-Identifier: GPL-3.0-or-later
// Renders arithmetic stories from the template tables and reads them back. The
// reader matches each sentence against every template, with each placeholder
// limited to its own table (names, pronouns, objects, digits), so a sentence
// matches exactly one template kind and the story's numbers come back exactly.
#include "tasks/arith/arith_story.h"

#include "tasks/arith/arith_story_tables.h"

#include "core/error.h"

#include <cctype>
#include <map>

namespace rlrf::tasks::arith_story {
namespace {

struct Fill {
    const Person *person = nullptr;
    const Person *friendPerson = nullptr;
    const char *object = nullptr;
    long number = 0;
};

std::string substitute(const std::string &tmpl, const Fill &f)
{
    const bool female = f.person->female;
    const std::map<std::string, std::string> values = {
        {"{N}", f.person->name},
        {"{F}", f.friendPerson->name},
        {"{P}", female ? "She" : "He"},
        {"{s}", female ? "she" : "he"},
        {"{p}", female ? "her" : "his"},
        {"{q}", female ? "her" : "him"},
        {"{n}", std::to_string(f.number)},
        {"{o}", f.object},
    };
    std::string out;
    for (std::size_t i = 0; i < tmpl.size();) {
        if (tmpl[i] == '{' && i + 3 <= tmpl.size()) {
            const auto it = values.find(tmpl.substr(i, 3));
            if (it != values.end()) {
                out += it->second;
                i += 3;
                continue;
            }
        }
        out += tmpl[i++];
    }
    return out;
}

// The words a placeholder may stand for ({n} is handled apart: any digits).
std::vector<std::string> buildAllowedWords(char key)
{
    std::vector<std::string> words;
    switch (key) {
    case 'N':
    case 'F':
        for (const auto &p : people())
            words.emplace_back(p.name);
        break;
    case 'P': words = {"She", "He"}; break;
    case 's': words = {"she", "he"}; break;
    case 'p': words = {"her", "his"}; break;
    case 'q': words = {"her", "him"}; break;
    case 'o':
        for (const auto &t : themes())
            for (const char *o : t.objects)
                words.emplace_back(o);
        break;
    default: break;
    }
    return words;
}

const std::vector<std::string> &allowedWords(char key)
{
    static const std::map<char, std::vector<std::string>> table = [] {
        std::map<char, std::vector<std::string>> t;
        for (char k : std::string("NFPspqo"))
            t[k] = buildAllowedWords(k);
        return t;
    }();
    static const std::vector<std::string> none;
    const auto it = table.find(key);
    return it == table.end() ? none : it->second;
}

// Matches `text` from `pos` against `tmpl` from `ti`; collects the {n} values.
bool matchFrom(const std::string &tmpl, std::size_t ti, const std::string &text, std::size_t pos,
               std::vector<long> &numbers)
{
    while (ti < tmpl.size()) {
        if (tmpl[ti] == '{' && ti + 2 < tmpl.size() && tmpl[ti + 2] == '}') {
            const char key = tmpl[ti + 1];
            if (key == 'n') {
                std::size_t end = pos;
                while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end])))
                    ++end;
                if (end == pos || end - pos > 9)
                    return false;
                numbers.push_back(std::stol(text.substr(pos, end - pos)));
                pos = end;
                ti += 3;
                continue;
            }
            for (const auto &w : allowedWords(key)) {
                if (text.compare(pos, w.size(), w) != 0)
                    continue;
                const std::size_t mark = numbers.size();
                if (matchFrom(tmpl, ti + 3, text, pos + w.size(), numbers))
                    return true;
                numbers.resize(mark);
            }
            return false;
        }
        if (pos >= text.size() || text[pos] != tmpl[ti])
            return false;
        ++pos;
        ++ti;
    }
    return pos == text.size();
}

bool matches(const char *tmpl, const std::string &sentence, long &number)
{
    std::vector<long> numbers;
    if (!matchFrom(tmpl, 0, sentence, 0, numbers))
        return false;
    number = numbers.empty() ? 0 : numbers.front();
    return true;
}

std::vector<std::string> sentences(const std::string &text)
{
    std::vector<std::string> out;
    std::string current;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (current.empty() && std::isspace(static_cast<unsigned char>(text[i])))
            continue;
        current += text[i];
        const bool end = (text[i] == '.' || text[i] == '?')
            && (i + 1 == text.size() || std::isspace(static_cast<unsigned char>(text[i + 1])));
        if (end) {
            out.push_back(current);
            current.clear();
        }
    }
    if (!current.empty())
        out.push_back(current);
    return out;
}

} // namespace

std::size_t themeCount() { return themes().size(); }
std::size_t objectCount(std::size_t theme) { return themes()[theme % themeCount()].objects.size(); }
std::size_t nameCount() { return people().size(); }
std::size_t startTemplateCount(std::size_t theme) { return themes()[theme % themeCount()].start.size(); }
std::size_t questionCount() { return questions().size(); }

std::size_t eventTemplateCount(std::size_t theme, ArithOp op)
{
    return themes()[theme % themeCount()].events[static_cast<std::size_t>(op)].size();
}

std::string render(const std::vector<ArithStep> &steps, const StoryChoice &choice)
{
    const Theme &theme = themes()[choice.theme % themeCount()];
    Fill fill;
    fill.person = &people()[choice.name % nameCount()];
    fill.friendPerson = &people()[choice.friendName % nameCount()];
    fill.object = theme.objects[choice.object % theme.objects.size()];
    fill.number = steps.empty() ? 0 : steps.front().left;
    std::string text = substitute(theme.start[choice.startTemplate % theme.start.size()], fill);
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const auto &options = theme.events[static_cast<std::size_t>(steps[i].op)];
        const std::size_t pick = i < choice.eventTemplates.size() ? choice.eventTemplates[i] : 0;
        fill.number = steps[i].right;
        text += " " + substitute(options[pick % options.size()], fill);
    }
    return text + " " + substitute(questions()[choice.question % questionCount()], fill);
}

ParsedStory parse(const std::string &prompt)
{
    const auto parts = sentences(prompt);
    if (parts.size() < 3)
        throw Error("not an arith story: expected a start, at least one event and a question, got "
                        + std::to_string(parts.size()) + " sentence(s)",
                    {{}, 0, "prompt"});
    auto fail = [&](std::size_t i) {
        return Error("not an arith story: sentence " + std::to_string(i + 1) + " '" + parts[i]
                         + "' matches no template",
                     {{}, 0, "prompt"});
    };
    ParsedStory story;
    bool found = false;
    for (const auto &theme : themes())
        for (const char *t : theme.start)
            found = found || matches(t, parts[0], story.start);
    if (!found)
        throw fail(0);
    for (std::size_t i = 1; i + 1 < parts.size(); ++i) {
        found = false;
        for (const auto &theme : themes())
            for (std::size_t op = 0; op < 4 && !found; ++op)
                for (const char *t : theme.events[op]) {
                    long n = 0;
                    if (matches(t, parts[i], n)) {
                        story.events.emplace_back(static_cast<ArithOp>(op), n);
                        found = true;
                        break;
                    }
                }
        if (!found)
            throw fail(i);
    }
    long ignored = 0;
    found = false;
    for (const char *q : questions())
        found = found || matches(q, parts.back(), ignored);
    if (!found)
        throw fail(parts.size() - 1);
    return story;
}

} // namespace rlrf::tasks::arith_story
