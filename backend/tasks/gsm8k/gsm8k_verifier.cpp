// SPDX-License-Identifier: GPL-3.0-or-later
// GSM8K final numbers; the rules are in the header.
#include "tasks/gsm8k/gsm8k_verifier.h"

#include "core/error.h"

#include <cctype>
#include <sstream>
#include <vector>

namespace rlrf::tasks {
namespace {

bool isDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// "-001,234.500" -> "-1234.5"
std::string normalise(const std::string &raw)
{
    std::string s;
    for (char c : raw)
        if (c != ',')
            s += c;
    const bool negative = !s.empty() && s[0] == '-';
    if (negative)
        s.erase(0, 1);
    if (const auto dot = s.find('.'); dot != std::string::npos) {
        while (s.back() == '0')
            s.pop_back();
        if (s.back() == '.')
            s.pop_back();
    }
    const auto firstNonZero = s.find_first_not_of('0');
    s = firstNonZero == std::string::npos ? "0" : s.substr(firstNonZero);
    if (s.empty() || s[0] == '.')
        s = "0" + s;
    return negative && s != "0" ? "-" + s : s;
}

// Every number in `text`, in order, as written (before normalising).
std::vector<std::string> numbersIn(const std::string &text)
{
    std::vector<std::string> found;
    for (std::size_t i = 0; i < text.size();) {
        if (!isDigit(text[i]) || (i > 0 && (std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '.'))) {
            ++i;
            continue;
        }
        const bool negative = i > 0 && text[i - 1] == '-' && (i < 2 || !std::isalnum(static_cast<unsigned char>(text[i - 2])));
        std::size_t j = i;
        while (j < text.size() && isDigit(text[j]))
            ++j;
        // Thousands groups: ",ddd" not followed by another digit.
        while (j + 3 < text.size() && text[j] == ',' && isDigit(text[j + 1]) && isDigit(text[j + 2])
               && isDigit(text[j + 3]) && (j + 4 >= text.size() || !isDigit(text[j + 4])))
            j += 4;
        if (j + 1 < text.size() && text[j] == '.' && isDigit(text[j + 1])) {
            ++j;
            while (j < text.size() && isDigit(text[j]))
                ++j;
        }
        found.push_back((negative ? "-" : "") + text.substr(i, j - i));
        i = j;
    }
    return found;
}

std::optional<std::string> firstNumber(const std::string &text)
{
    const auto all = numbersIn(text);
    return all.empty() ? std::nullopt : std::optional<std::string>(normalise(all.front()));
}

bool startsWithAnswer(const std::string &line)
{
    const auto b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line.size() < b + 7)
        return false;
    std::string head = line.substr(b, 7);
    for (auto &c : head)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return head == "answer:";
}

} // namespace

std::string gsm8kReferenceAnswer(const std::string &answerText)
{
    const auto mark = answerText.rfind("####");
    const auto number = mark == std::string::npos ? std::nullopt : firstNumber(answerText.substr(mark + 4));
    if (!number)
        throw Error("GSM8K answer has no number after '####'", {{}, 0, "answer"});
    return *number;
}

std::optional<std::string> gsm8kFinalNumber(const std::string &response)
{
    if (const auto mark = response.rfind("####"); mark != std::string::npos)
        if (auto n = firstNumber(response.substr(mark + 4)))
            return n;
    std::istringstream in(response);
    std::string line, answerLine;
    while (std::getline(in, line))
        if (startsWithAnswer(line))
            answerLine = line;
    if (!answerLine.empty())
        if (auto n = firstNumber(answerLine.substr(answerLine.find(':') + 1)))
            return n;
    const auto all = numbersIn(response);
    return all.empty() ? std::nullopt : std::optional<std::string>(normalise(all.back()));
}

Verdict verifyGsm8k(const std::string &referenceNumber, const std::string &response)
{
    const auto given = gsm8kFinalNumber(response);
    if (!given)
        return {false, "no number in the response"};
    const auto reference = firstNumber(referenceNumber);
    if (!reference)
        return {false, "the reference '" + referenceNumber + "' is not a number"};
    if (*given == *reference)
        return {true, "final number " + *given + " matches"};
    return {false, "final number " + *given + " does not match"};
}

} // namespace rlrf::tasks
