// SPDX-License-Identifier: GPL-3.0-or-later
// Reading the "Answer: N" line; the accepted forms are listed in answer_line.h.
#include "tasks/answer_line.h"

#include <cctype>
#include <sstream>

namespace rlrf::tasks {
namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool isDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

std::size_t skipSpaces(std::string_view s, std::size_t i)
{
    while (i < s.size() && isSpace(s[i]))
        ++i;
    return i;
}

} // namespace

bool isAnswerLine(std::string_view line)
{
    const std::size_t i = skipSpaces(line, 0);
    return line.substr(i, 6) == "Answer";
}

std::optional<long> parseAnswerLine(std::string_view line)
{
    if (!isAnswerLine(line))
        return std::nullopt;
    std::size_t i = skipSpaces(line, skipSpaces(line, 0) + 6);
    if (i >= line.size() || line[i] != ':')
        return std::nullopt;
    i = skipSpaces(line, i + 1);
    const std::size_t start = i;
    if (i < line.size() && line[i] == '-')
        ++i;
    const std::size_t digits = i;
    while (i < line.size() && isDigit(line[i]))
        ++i;
    if (i == digits || i - digits > 18)
        return std::nullopt;
    const long value = std::stol(std::string(line.substr(start, i - start)));
    // Whatever follows may be words ("apples", "."), never another number.
    for (std::size_t j = i; j < line.size(); ++j)
        if (isDigit(line[j]))
            return std::nullopt;
    if (i < line.size() && !isSpace(line[i]) && line[i] != '.')
        return std::nullopt; // "12abc": the number runs into other text
    return value;
}

FinalAnswer findFinalAnswer(const std::string &response)
{
    FinalAnswer result;
    std::istringstream in(response);
    std::string line;
    int number = 0;
    int found = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!isAnswerLine(line))
            continue;
        if (++found == 1) {
            result.line = number;
            result.value = parseAnswerLine(line);
        }
    }
    if (found == 0) {
        result.problem = "no Answer line";
    } else if (found > 1) {
        result.value.reset();
        result.problem = "more than one Answer line";
    } else if (!result.value) {
        result.problem = "malformed Answer line (expected 'Answer: N')";
    }
    return result;
}

} // namespace rlrf::tasks
