// SPDX-License-Identifier: GPL-3.0-or-later
// Line reader for arith responses; the accepted form is in arith_response.h.
#include "tasks/arith/arith_response.h"

#include "tasks/answer_line.h"

#include <cctype>
#include <sstream>

namespace rlrf::tasks {
namespace {

class Cursor {
public:
    explicit Cursor(const std::string &s) : m_s(s) {}

    void skipSpaces()
    {
        while (m_i < m_s.size() && (m_s[m_i] == ' ' || m_s[m_i] == '\t' || m_s[m_i] == '\r'))
            ++m_i;
    }
    std::optional<long> number()
    {
        skipSpaces();
        const std::size_t start = m_i;
        while (m_i < m_s.size() && std::isdigit(static_cast<unsigned char>(m_s[m_i])))
            ++m_i;
        if (m_i == start || m_i - start > 9)
            return std::nullopt;
        return std::stol(m_s.substr(start, m_i - start));
    }
    std::optional<char> symbol()
    {
        skipSpaces();
        return m_i < m_s.size() ? std::optional<char>(m_s[m_i++]) : std::nullopt;
    }
    bool atEnd()
    {
        skipSpaces();
        return m_i == m_s.size();
    }

private:
    const std::string &m_s;
    std::size_t m_i = 0;
};

bool isBlank(const std::string &line)
{
    return line.find_first_not_of(" \t\r") == std::string::npos;
}

} // namespace

std::optional<ArithStep> parseStepLine(const std::string &line)
{
    Cursor c(line);
    ArithStep step;
    const auto a = c.number();
    const auto opChar = a ? c.symbol() : std::nullopt;
    const auto op = opChar ? opFromSymbol(*opChar) : std::nullopt;
    const auto b = op ? c.number() : std::nullopt;
    const auto eq = b ? c.symbol() : std::nullopt;
    const auto result = eq == '=' ? c.number() : std::nullopt;
    if (!result || !c.atEnd())
        return std::nullopt;
    return ArithStep{*op, *a, *b, *result};
}

std::vector<ResponseLine> readArithResponse(const std::string &response)
{
    std::vector<ResponseLine> lines;
    std::istringstream in(response);
    std::string text;
    int number = 0;
    while (std::getline(in, text)) {
        ++number;
        if (isBlank(text))
            continue;
        ResponseLine line;
        line.number = number;
        if (const auto step = parseStepLine(text)) {
            line.kind = ResponseLine::Kind::Step;
            line.step = *step;
        } else if (isAnswerLine(text)) {
            line.kind = ResponseLine::Kind::Answer;
            line.answer = parseAnswerLine(text);
        }
        lines.push_back(line);
    }
    return lines;
}

} // namespace rlrf::tasks
