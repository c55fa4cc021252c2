// SPDX-License-Identifier: GPL-3.0-or-later
#include "tasks/arith/arith_reflection.h"

#include "core/error.h"
#include "tasks/arith/arith_mistakes.h"

#include <cctype>

namespace rlrf::demo {

namespace {

// "I made a mistake in step 3: arithmetic slip." — the first mistake the rule
// judge's finder sees, or nothing when it sees none.
std::string firstMistakeSentence(const std::vector<feedback::ArithMistake> &mistakes)
{
    if (mistakes.empty())
        return {};
    const auto &first = mistakes.front();
    std::string text = "I made a mistake";
    if (first.step > 0)
        text += " in step " + std::to_string(first.step);
    text += ": ";
    text += feedback::kindName(first.kind);
    text += ".";
    return text;
}

} // namespace

const char *toString(ReflectionForm form)
{
    return form == ReflectionForm::Worked ? "worked" : "diagnosis";
}

ReflectionForm parseReflectionForm(const std::string &text)
{
    if (text == "diagnosis")
        return ReflectionForm::Diagnosis;
    if (text == "worked")
        return ReflectionForm::Worked;
    throw Error("reflection form must be diagnosis or worked, got '" + text + "'");
}

std::string arithReflection(const tasks::ArithProblem &problem, const std::string &failedAttempt)
{
    const auto mistakes = feedback::findArithMistakes(problem, failedAttempt);
    if (mistakes.empty())
        return "My answer did not match the story. I will reread the story, write one step per event "
               "and check every result before the Answer line.";
    std::string text = firstMistakeSentence(mistakes) + " ";
    std::string advice = feedback::advice(mistakes.front().kind);
    advice[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(advice[0])));
    text += advice;
    text += ". I will redo that step and every step after it, checking each result.";
    return text;
}

std::string arithWorkedReflection(const tasks::ArithProblem &problem, const std::string &failedAttempt)
{
    std::string text = firstMistakeSentence(feedback::findArithMistakes(problem, failedAttempt));
    if (text.empty())
        text = "My answer did not match the story.";
    text += " Worked again:";
    for (const auto &s : problem.steps)
        text += "\n" + std::to_string(s.left) + " " + tasks::symbol(s.op) + " " + std::to_string(s.right) + " = " +
                std::to_string(s.result);
    return text;
}

std::string arithReflection(ReflectionForm form, const tasks::ArithProblem &problem, const std::string &failedAttempt)
{
    return form == ReflectionForm::Worked ? arithWorkedReflection(problem, failedAttempt)
                                          : arithReflection(problem, failedAttempt);
}

} // namespace rlrf::demo
