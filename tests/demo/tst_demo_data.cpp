// SPDX-License-Identifier: GPL-3.0-or-later
// The demo model's training data: every flawed answer is really wrong (the
// verifier says so and the rule judge finds the intended kind of mistake),
// reflections name the step and the kind without the corrected number, the
// feedback in refinement prompts never carries the true answer, the mix is
// deterministic, and only training-split problems are used.
#include "core/error.h"
#include "demo/demo_data.h"
#include "tasks/arith/arith_flaws.h"
#include "tasks/arith/arith_mistakes.h"
#include "tasks/arith/arith_reflection.h"
#include "tasks/arith/arith_task.h"
#include "types/prompt_formats.h"

#include <QtTest/QtTest>

#include <map>
#include <regex>

using namespace rlrf;
using rlrf::demo::FlawKind;

namespace {

std::vector<tasks::ArithProblem> someProblems(std::size_t n)
{
    return tasks::ArithTask().generate(tasks::Split::Train, n, 99);
}

bool containsNumber(const std::string &text, long value)
{
    const std::regex number("(^|[^0-9])" + std::to_string(value) + "([^0-9]|$)");
    return std::regex_search(text, number);
}

} // namespace

class TestDemoData : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void flawsAreWrongAndOfTheirKind_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("expected");
        using MK = feedback::ArithMistakeKind;
        QTest::newRow("slip") << int(FlawKind::ArithmeticSlip) << int(MK::ArithmeticSlip);
        QTest::newRow("operation") << int(FlawKind::WrongOperation) << int(MK::WrongOperation);
        QTest::newRow("story number") << int(FlawKind::WrongStoryNumber) << int(MK::WrongStoryNumber);
        QTest::newRow("missing step") << int(FlawKind::MissingStep) << int(MK::MissingStep);
        QTest::newRow("missing answer") << int(FlawKind::MissingAnswerLine) << int(MK::MissingAnswerLine);
    }

    void flawsAreWrongAndOfTheirKind()
    {
        QFETCH(int, kind);
        QFETCH(int, expected);
        const tasks::ArithTask task;
        std::mt19937_64 rng(5);
        int made = 0, firstIsExpected = 0;
        for (const auto &p : someProblems(400)) {
            const auto flawed = demo::flawedAnswer(p, FlawKind(kind), rng);
            if (!flawed) continue;
            ++made;
            const tasks::Problem problem{"x", p.prompt, std::to_string(p.answer()), p.canonical()};
            QVERIFY2(!task.verify(problem, *flawed).correct, flawed->c_str());
            const auto mistakes = feedback::findArithMistakes(p, *flawed);
            QVERIFY2(!mistakes.empty(), flawed->c_str());
            firstIsExpected += int(mistakes.front().kind) == expected ? 1 : 0;
        }
        QVERIFY2(made >= 100, qPrintable(QStringLiteral("only %1 of 400 problems took this flaw").arg(made)));
        // The judge reads a mistake from the text alone: a story number that also
        // fits another event, say, can look like another kind. Nearly all must
        // match the kind that was made.
        QVERIFY2(firstIsExpected >= made * 8 / 10,
                 qPrintable(QStringLiteral("%1 of %2 read as the intended kind").arg(firstIsExpected).arg(made)));
    }

    void reflectionNamesStepAndKindButNoCorrectedNumber()
    {
        // 12 + 5 = 17, 17 - 3 = 14, 14 * 2 = 28; the attempt slips in step 2.
        const auto p = tasks::ArithTask::problemFromPrompt(
            "Mia has 12 apples. She buys 5 more apples at the shop. She sells 3 apples to Tom. "
            "She buys enough to have 2 times as many apples as before. How many apples does Mia have now?");
        const std::string attempt = "12 + 5 = 17\n17 - 3 = 15\n15 * 2 = 30\nAnswer: 30";
        const std::string reflection = demo::arithReflection(p, attempt);
        QVERIFY2(reflection.find("step 2") != std::string::npos, reflection.c_str());
        QVERIFY2(reflection.find("arithmetic slip") != std::string::npos, reflection.c_str());
        QVERIFY2(!containsNumber(reflection, 14), reflection.c_str());
        QVERIFY2(!containsNumber(reflection, 28), reflection.c_str());
    }

    void workedReflectionNamesTheStepAndWorksTheChainAgain()
    {
        const auto p = tasks::ArithTask::problemFromPrompt(
            "Mia has 12 apples. She buys 5 more apples at the shop. She sells 3 apples to Tom. "
            "She buys enough to have 2 times as many apples as before. How many apples does Mia have now?");
        const std::string attempt = "12 + 5 = 17\n17 - 3 = 15\n15 * 2 = 30\nAnswer: 30";
        QCOMPARE(demo::arithWorkedReflection(p, attempt),
                 std::string("I made a mistake in step 2: arithmetic slip. Worked again:\n"
                             "12 + 5 = 17\n17 - 3 = 14\n14 * 2 = 28"));
        // No Answer line: the reflect request asks not to give the answer yet.
        QVERIFY(demo::arithWorkedReflection(p, attempt).find("Answer") == std::string::npos);
        // An attempt the finder sees nothing wrong in still gets the chain.
        const std::string noFault = demo::arithWorkedReflection(p, p.canonical());
        QVERIFY2(noFault.rfind("My answer did not match the story. Worked again:\n12 + 5 = 17", 0) == 0, noFault.c_str());
        QCOMPARE(demo::parseReflectionForm("worked"), demo::ReflectionForm::Worked);
        QCOMPARE(demo::parseReflectionForm("diagnosis"), demo::ReflectionForm::Diagnosis);
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, demo::parseReflectionForm("long"));
    }

    void workedMixRetriesAfterTheWorkedReflection()
    {
        demo::DemoDataOptions options;
        options.answers = 10;
        options.refinements = 10;
        options.reflections = 40;
        options.reflectionForm = demo::ReflectionForm::Worked;
        int retries = 0;
        for (const auto &e : demo::makeDemoExamples(options)) {
            if (e.kind != "retry")
                continue;
            ++retries;
            // The retry is the canonical answer; the reflection before it holds
            // the same steps, so following the reflection is the way to it.
            const std::string reflection = e.messages.at(3).at("content").get<std::string>();
            const std::string steps = e.completion.substr(0, e.completion.find("Answer:"));
            QVERIFY2(reflection.find("Worked again:\n" + steps.substr(0, steps.size() - 1)) != std::string::npos,
                     reflection.c_str());
        }
        QCOMPARE(retries, 40);
        QCOMPARE(demo::toJson(options).value("reflection_form", ""), std::string("worked"));
        // The answer-line retry: only the Answer line, the steps being in the reflection.
        options.retryForm = demo::RetryForm::AnswerLine;
        for (const auto &e : demo::makeDemoExamples(options))
            if (e.kind == "retry")
                QVERIFY2(e.completion.rfind("Answer: ", 0) == 0 && e.completion.find('\n') == std::string::npos,
                         e.completion.c_str());
        QCOMPARE(demo::toJson(options).value("retry_form", ""), std::string("answer-line"));
        QCOMPARE(demo::parseRetryForm("answer-line"), demo::RetryForm::AnswerLine);
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, demo::parseRetryForm("short"));
        QVERIFY(!demo::toJson(demo::DemoDataOptions{}).contains("reflection_form"));
    }

    void mixIsDeterministicAndKeepsTheAnswerOutOfTheFeedback()
    {
        demo::DemoDataOptions options;
        options.answers = 300;
        options.refinements = 200;
        options.reflections = 100;
        const auto a = demo::makeDemoExamples(options);
        const auto b = demo::makeDemoExamples(options);
        QCOMPARE(a.size(), std::size_t(300 + 200 + 2 * 100));
        std::map<std::string, int> kinds;
        for (std::size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(QString::fromStdString(a[i].messages.dump()), QString::fromStdString(b[i].messages.dump()));
            QCOMPARE(a[i].completion, b[i].completion);
            ++kinds[a[i].kind];
            const std::string firstUser = a[i].messages.at(0).at("content").get<std::string>();
            const std::string prompt = a[i].kind == "refinement" ? firstUser.substr(0, firstUser.find("\n\nDraft:"))
                                                                 : firstUser;
            const auto problem = tasks::ArithTask::problemFromPrompt(prompt);
            QCOMPARE(tasks::ArithTask::splitOf(problem), tasks::Split::Train);
            if (a[i].kind == "refinement") {
                const std::string content = firstUser;
                const std::string feedback = content.substr(content.find("Feedback:\n"));
                QVERIFY2(!feedback.empty(), content.c_str());
                // Numbers under 10 can be step or line numbers; larger answers must not leak.
                if (problem.answer() >= 10)
                    QVERIFY2(!containsNumber(feedback, problem.answer()), feedback.c_str());
                QCOMPARE(a[i].completion, problem.canonical());
            }
            if (a[i].kind == "retry") {
                QCOMPARE(a[i].messages.size(), std::size_t(5));
                QCOMPARE(a[i].messages.back().at("content").get<std::string>(), std::string(prompts::kRetryRequest));
            }
        }
        QCOMPARE(kinds["answer"], 300);
        QCOMPARE(kinds["refinement"], 200);
        QCOMPARE(kinds["reflection"], 100);
        QCOMPARE(kinds["retry"], 100);
        options.seed = 2;
        QVERIFY(demo::makeDemoExamples(options)[0].completion != a[0].completion
                || demo::makeDemoExamples(options)[1].completion != a[1].completion);
    }
};

QTEST_GUILESS_MAIN(TestDemoData)
#include "tst_demo_data.moc"
