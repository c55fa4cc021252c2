// SPDX-License-Identifier: GPL-3.0-or-later
#include "tasks/arith/arith_reflection.h"

#include "tasks/arith/arith_mistakes.h"

#include <cctype>

namespace rlrf::demo {

std::string arithReflection(const tasks::ArithProblem &problem, const std::string &failedAttempt)
{
    const auto mistakes = feedback::findArithMistakes(problem, failedAttempt);
    if (mistakes.empty())
        return "My answer did not match the story. I will reread the story, write one step per event "
               "and check every result before the Answer line.";
    const auto &first = mistakes.front();
    std::string text = "I made a mistake";
    if (first.step > 0)
        text += " in step " + std::to_string(first.step);
    text += ": ";
    text += feedback::kindName(first.kind);
    text += ". ";
    std::string advice = feedback::advice(first.kind);
    advice[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(advice[0])));
    text += advice;
    text += ". I will redo that step and every step after it, checking each result.";
    return text;
}

} // namespace rlrf::demo
