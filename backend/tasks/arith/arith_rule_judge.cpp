// SPDX-License-Identifier: GPL-3.0-or-later
// Ratings and rationales of the arith rule judge; the rules are in the header.
#include "tasks/arith/arith_rule_judge.h"

#include "tasks/answer_line.h"
#include "tasks/arith/arith_mistakes.h"
#include "tasks/arith/arith_response.h"
#include "types/aspect_names.h"
#include "types/critique_text.h"
#include "types/scoring.h"

#include <algorithm>

namespace rlrf::feedback {
namespace {

const char *fullMarks(const std::string &name)
{
    if (name == aspect::kLogicalCorrectness)
        return "Every step's arithmetic is right, each step starts from the previous result, and the answer is the last result.";
    if (name == aspect::kFactuality)
        return "Every number used comes from the story or from an earlier step, where the story puts it.";
    if (name == aspect::kCompleteness)
        return "Every event of the story has its step, and the Answer line is present.";
    if (name == aspect::kComprehension)
        return "Each operation fits what happens in the story.";
    return "One step per line as 'a op b = c', then 'Answer: N'.";
}

const char *notApplicable(const std::string &name)
{
    if (name == aspect::kMetacognition)
        return "Not applicable: the problem is fully determined, so there is no uncertainty to acknowledge.";
    if (name == aspect::kInsightfulness)
        return "Not applicable: the task asks for one fixed chain of steps; there is no room for insight beyond it.";
    return "Not applicable: the stories come from fixed harmless templates and the answer is numbers only.";
}

std::string where(const ArithMistake &m)
{
    const std::string line = "line " + std::to_string(m.line);
    switch (m.kind) {
    case ArithMistakeKind::MissingAnswerLine: return "At the end";
    case ArithMistakeKind::AnswerMismatch:
    case ArithMistakeKind::MalformedLine:
    case ArithMistakeKind::DuplicateAnswerLine: return "On " + line;
    default: return "Step " + std::to_string(m.step) + " (" + line + ")";
    }
}

std::string describe(const ArithMistake &m)
{
    return where(m) + ": " + kindName(m.kind) + " - " + advice(m.kind) + ".";
}

// noSteps: no step line at all; noFormat: not a single well-formed line either.
AspectRating rate(const std::string &name, const std::vector<ArithMistake> &mistakes, bool noSteps, bool noFormat)
{
    std::vector<ArithMistake> mine;
    for (const auto &m : mistakes)
        if (name == aspectOf(m.kind))
            mine.push_back(m);
    const bool needsSteps = name != aspect::kReadability && name != aspect::kCompleteness;
    if (noSteps && needsSteps)
        return {name, 1, "No step line 'a op b = c' to check; write out every step."};
    if (noFormat && name == aspect::kReadability)
        return {name, 1, "No line has the form 'a op b = c' or 'Answer: N'; write one step per line, then the Answer line."};
    if (mine.empty())
        return {name, 3, fullMarks(name)};
    std::string rationale = describe(mine.front());
    if (mine.size() > 1)
        rationale += " There " + std::string(mine.size() == 2 ? "is one more problem" : "are more problems")
            + " of this kind after it.";
    return {name, mine.size() == 1 ? 2 : 1, rationale};
}

} // namespace

Critique judgeArith(const tasks::ArithProblem &problem, const std::string &response, const Rubric &rubric)
{
    Critique critique = judgeArith(problem, response);
    critique.overall = overallScore(critique.aspects, rubric).value_or(0.0);
    const auto summaryEnd = critique.rawOutput.find('\n');
    critique.rawOutput = critique.rawOutput.substr(0, summaryEnd + 1) + renderCritique(critique);
    return critique;
}

Critique judgeArith(const tasks::ArithProblem &problem, const std::string &response)
{
    const auto mistakes = findArithMistakes(problem, response);
    const auto lines = tasks::readArithResponse(response);
    const bool noSteps = std::none_of(lines.begin(), lines.end(),
                                      [](const auto &l) { return l.kind == tasks::ResponseLine::Kind::Step; });
    const bool noFormat = noSteps && std::none_of(lines.begin(), lines.end(), [](const auto &l) {
        return l.kind == tasks::ResponseLine::Kind::Answer && l.answer.has_value();
    });
    Critique critique;
    critique.judge = kArithJudgeName;
    for (const char *name : aspect::kAll) {
        const std::string n = name;
        if (n == aspect::kMetacognition || n == aspect::kInsightfulness || n == aspect::kHarmlessness)
            critique.aspects.push_back({n, kNotApplicable, notApplicable(n)});
        else
            critique.aspects.push_back(rate(n, mistakes, noSteps, noFormat));
    }
    critique.overall = overallScore(critique.aspects).value_or(0.0);
    const auto final = tasks::findFinalAnswer(response);
    critique.reward = final.value && *final.value == problem.answer() ? 1.0 : 0.0;
    std::string summary = mistakes.empty() ? "No mistakes found." : "First mistake: " + describe(mistakes.front());
    critique.rawOutput = summary + "\n" + renderCritique(critique);
    return critique;
}

} // namespace rlrf::feedback
