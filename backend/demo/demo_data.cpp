// SPDX-License-Identifier: GPL-3.0-or-later
#include "demo/demo_data.h"

#include "core/error.h"
#include "demo/countdown_demo_data.h"
#include "tasks/arith/arith_flaws.h"
#include "tasks/arith/arith_reflection.h"
#include "tasks/arith/arith_rule_judge.h"
#include "tasks/countdown/countdown_task.h"
#include "types/critique_text.h"

#include <algorithm>
#include <random>

namespace rlrf::demo {

namespace {

// Refinement and reflection problems are drawn after the answer problems in the
// same generated list, so every kind sees its own stories.
std::vector<tasks::ArithProblem> trainProblems(const DemoDataOptions &options, std::size_t count)
{
    return tasks::ArithTask(options.task).generate(tasks::Split::Train, count, options.seed);
}

std::string retryCompletion(RetryForm form, const tasks::ArithProblem &problem)
{
    return form == RetryForm::AnswerLine ? "Answer: " + std::to_string(problem.answer()) : problem.canonical();
}

} // namespace

const char *toString(RetryForm form)
{
    return form == RetryForm::AnswerLine ? "answer-line" : "full";
}

RetryForm parseRetryForm(const std::string &text)
{
    if (text == "full")
        return RetryForm::Full;
    if (text == "answer-line")
        return RetryForm::AnswerLine;
    throw Error("retry form must be full or answer-line, got '" + text + "'");
}

std::vector<DemoExample> makeDemoExamples(const DemoDataOptions &options)
{
    if (options.taskKind == DemoTask::Countdown)
        return makeCountdownDemoExamples(options);
    const std::size_t total = options.answers + options.refinements + options.reflections + options.extraRetries;
    const auto problems = trainProblems(options, total);
    std::mt19937_64 rng(options.seed * 0x9E3779B97F4A7C15ull + 17);
    std::vector<DemoExample> examples;
    examples.reserve(options.answers + options.refinements + 2 * options.reflections + options.extraRetries);
    std::size_t next = 0;
    for (std::size_t i = 0; i < options.answers; ++i, ++next) {
        const auto &p = problems[next];
        examples.push_back({"answer", prompts::answerMessages(p.prompt), p.canonical()});
    }
    for (std::size_t i = 0; i < options.refinements; ++i, ++next) {
        const auto &p = problems[next];
        const std::string draft = someFlawedAnswer(p, rng);
        const std::string feedback = feedback::refinementFeedback(feedback::judgeArith(p, draft));
        examples.push_back({"refinement", prompts::refinementMessages(p.prompt, draft, feedback), p.canonical()});
    }
    // Each reflection problem gives a reflection and a retry example; the extra
    // retries after them give the retry alone: following the reflection can take
    // longer to learn than writing it, and they weigh it more.
    for (std::size_t i = 0; i < options.reflections + options.extraRetries; ++i, ++next) {
        const auto &p = problems[next];
        const std::string attempt = someFlawedAnswer(p, rng);
        const std::string reflection = arithReflection(options.reflectionForm, p, attempt);
        if (i < options.reflections)
            examples.push_back({"reflection", prompts::reflectionMessages(p.prompt, attempt), reflection});
        examples.push_back({"retry", prompts::retryMessages(p.prompt, attempt, reflection),
                            retryCompletion(options.retryForm, p)});
    }
    std::shuffle(examples.begin(), examples.end(), rng);
    return examples;
}

nlohmann::json toJson(const DemoDataOptions &options)
{
    if (options.taskKind == DemoTask::Countdown) {
        const tasks::CountdownConfig countdown; // the task's defaults, as `rlrf rrr --task countdown` uses
        return {{"answers", options.answers},
                {"reflections", options.reflections},
                {"extra_retries", options.extraRetries},
                {"seed", options.seed},
                {"task", {{"name", "countdown"}, {"numbers", countdown.maxNumbers}, {"max_number", countdown.maxNumber},
                          {"max_target", countdown.maxTarget}}}};
    }
    nlohmann::json json = {{"answers", options.answers},
            {"refinements", options.refinements},
            {"reflections", options.reflections},
            {"seed", options.seed},
            {"task", {{"min_steps", options.task.minSteps}, {"max_steps", options.task.maxSteps},
                      {"max_value", options.task.maxValue}}}};
    // Written only for the worked form, so the shipped arith-demo model's
    // recipe.json (made before the field existed) still describes its recipe.
    if (options.reflectionForm != ReflectionForm::Diagnosis)
        json["reflection_form"] = toString(options.reflectionForm);
    if (options.extraRetries != 0)
        json["extra_retries"] = options.extraRetries;
    if (options.retryForm != RetryForm::Full)
        json["retry_form"] = toString(options.retryForm);
    return json;
}

} // namespace rlrf::demo
