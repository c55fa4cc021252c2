// SPDX-License-Identifier: GPL-3.0-or-later
// The countdown-demo model's training data: every answer and retry solves its
// puzzle (by the task's verifier), every failed attempt in context really fails,
// every reflection is the task's own perfect reflection for its puzzle (so the
// retry after the oracle's reflection is what the model learned to follow), only
// training-split puzzles are used, and the mix is deterministic.
#include "core/error.h"
#include "demo/demo_data.h"
#include "demo/demo_recipe.h"
#include "tasks/countdown/countdown_task.h"
#include "types/prompt_formats.h"

#include <QtTest/QtTest>

#include <map>

using namespace rlrf;

class TestCountdownDemoData : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyExampleIsRightAndTheFailuresFail()
    {
        demo::DemoDataOptions options;
        options.taskKind = demo::DemoTask::Countdown;
        options.answers = 200;
        options.refinements = 0;
        options.reflections = 150;
        options.extraRetries = 50;
        const auto examples = demo::makeDemoExamples(options);
        QCOMPARE(examples.size(), std::size_t(200 + 2 * 150 + 50));
        const tasks::CountdownTask task;
        std::map<std::string, int> kinds;
        for (const auto &e : examples) {
            ++kinds[e.kind];
            const std::string prompt = e.messages.at(0).at("content").get<std::string>();
            const auto puzzle = tasks::CountdownTask::problemFromPrompt(prompt);
            QCOMPARE(tasks::CountdownTask::splitOf(puzzle), tasks::Split::Train);
            const tasks::Problem problem{"p", prompt, std::to_string(puzzle.target), {}};
            if (e.kind == "answer" || e.kind == "retry")
                QVERIFY2(task.verify(problem, e.completion).correct, e.completion.c_str());
            if (e.kind == "reflection" || e.kind == "retry") {
                const std::string attempt = e.messages.at(1).at("content").get<std::string>();
                QVERIFY2(!task.verify(problem, attempt).correct, attempt.c_str());
                QCOMPARE(e.messages.at(2).at("content").get<std::string>(), std::string(prompts::kReflectRequest));
                const std::string reflection =
                    e.kind == "reflection" ? e.completion : e.messages.at(3).at("content").get<std::string>();
                QCOMPARE(reflection, task.oracleReflection(problem, attempt).value());
            }
            if (e.kind == "retry")
                QCOMPARE(e.messages.back().at("content").get<std::string>(), std::string(prompts::kRetryRequest));
        }
        QCOMPARE(kinds["answer"], 200);
        QCOMPARE(kinds["reflection"], 150);
        QCOMPARE(kinds["retry"], 200);
        QCOMPARE(kinds.size(), std::size_t(3));
    }

    void mixIsDeterministicAndSeeded()
    {
        demo::DemoDataOptions options;
        options.taskKind = demo::DemoTask::Countdown;
        options.answers = 20;
        options.refinements = 0;
        options.reflections = 20;
        const auto a = demo::makeDemoExamples(options);
        const auto b = demo::makeDemoExamples(options);
        QCOMPARE(a.size(), b.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(a[i].completion, b[i].completion);
            QCOMPARE(a[i].messages.dump(), b[i].messages.dump());
        }
        options.seed = 2;
        const auto c = demo::makeDemoExamples(options);
        QVERIFY(c[0].messages.dump() != a[0].messages.dump() || c[1].messages.dump() != a[1].messages.dump());
    }

    void refinementsAreRefusedByName()
    {
        demo::DemoDataOptions options;
        options.taskKind = demo::DemoTask::Countdown;
        options.answers = 1;
        options.refinements = 1;
        try {
            demo::makeDemoExamples(options);
            QFAIL("refinements were accepted");
        } catch (const rlrf::Error &e) {
            QVERIFY2(std::string(e.what()).find("refinements") != std::string::npos, e.what());
        }
    }

    void recipeDescribesTheCountdownData()
    {
        const auto recipe = demo::demoRecipe("countdown-demo");
        QCOMPARE(recipe.startsFrom, std::string("arith-demo"));
        const auto json = demo::toJson(recipe);
        QCOMPARE(json.at("name").get<std::string>(), std::string("countdown-demo"));
        QCOMPARE(json.at("data").at("task").at("name").get<std::string>(), std::string("countdown"));
        QVERIFY(!json.at("data").contains("refinements"));
        QVERIFY(!json.contains("tokenizer")); // the start model's
    }
};

QTEST_GUILESS_MAIN(TestCountdownDemoData)
#include "tst_countdown_demo_data.moc"
