// SPDX-License-Identifier: GPL-3.0-or-later
// The arith demo task: the generator is deterministic per seed, its splits are
// disjoint in texts and in chains of numbers (10,000 problems each), its problems keep to the promised ranges, the
// stories read back into the same steps, and the verifier accepts exactly the
// documented "Answer: N" forms; the oracle reflection works the chain again.
// All fixtures are generated or written here.
#include "tasks/answer_line.h"
#include "tasks/arith/arith_reflection.h"
#include "tasks/arith/arith_task.h"

#include "core/error.h"

#include <QtTest/QtTest>

#include <map>
#include <set>

using namespace rlrf::tasks;

namespace {

std::vector<std::string> prompts(const std::vector<ArithProblem> &problems)
{
    std::vector<std::string> out;
    for (const auto &p : problems)
        out.push_back(p.prompt);
    return out;
}

} // namespace

class TestArithTask : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sameSeedSameProblems()
    {
        const ArithTask task;
        const auto a = task.problems(Split::Train, 300, 7);
        const auto b = task.problems(Split::Train, 300, 7);
        QCOMPARE(a.size(), size_t(300));
        for (size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(a[i].prompt, b[i].prompt);
            QCOMPARE(a[i].canonical, b[i].canonical);
            QCOMPARE(a[i].id, b[i].id);
        }
        // A longer list starts with the shorter one.
        const auto longer = task.problems(Split::Train, 400, 7);
        for (size_t i = 0; i < a.size(); ++i)
            QCOMPARE(longer[i].prompt, a[i].prompt);
    }

    void differentSeedsDiffer()
    {
        const ArithTask task;
        const auto a = prompts(task.generate(Split::Train, 500, 1));
        const auto b = prompts(task.generate(Split::Train, 500, 2));
        const std::set<std::string> setA(a.begin(), a.end());
        int shared = 0;
        for (const auto &p : b)
            shared += setA.count(p) ? 1 : 0;
        QVERIFY2(shared < 5, qPrintable(QStringLiteral("%1 of 500 prompts shared").arg(shared)));
    }

    void splitsAreDisjoint()
    {
        const ArithTask task;
        std::set<std::string> allPrompts;
        std::map<std::string, Split> chains; // canonical answer -> its split
        for (Split split : {Split::Train, Split::Validation, Split::Test}) {
            const auto list = task.generate(split, 10000, 123);
            QCOMPARE(list.size(), size_t(10000));
            const auto texts = prompts(list);
            const std::set<std::string> distinct(texts.begin(), texts.end());
            QCOMPARE(distinct.size(), size_t(10000)); // no repeats inside a split
            allPrompts.insert(distinct.begin(), distinct.end());
            for (const auto &p : list) {
                QVERIFY(ArithTask::splitOf(p) == split);
                // The same chain of numbers never shows up in another split.
                const auto [it, added] = chains.emplace(p.canonical(), split);
                QVERIFY2(it->second == split, p.canonical().c_str());
            }
        }
        QCOMPARE(allPrompts.size(), size_t(30000)); // no text in two splits
        qInfo("%zu distinct canonical answers in 30000 problems", chains.size());
    }

    void problemsKeepTheirPromises()
    {
        const ArithTask task;
        std::set<char> ops;
        std::set<std::string> firstWords;
        for (const auto &p : task.generate(Split::Validation, 3000, 99)) {
            QVERIFY(p.steps.size() >= 2 && p.steps.size() <= 4);
            for (size_t i = 0; i < p.steps.size(); ++i) {
                const auto &s = p.steps[i];
                QVERIFY(s.left >= 1 && s.right >= 1 && s.result >= 1 && s.result <= 100);
                QCOMPARE(apply(s.op, s.left, s.right), std::optional<long>(s.result)); // exact division too
                if (i > 0)
                    QCOMPARE(s.left, p.steps[i - 1].result);
                ops.insert(symbol(s.op));
            }
            firstWords.insert(p.prompt.substr(0, p.prompt.find(' ')));
            // Every story number is written in the prompt.
            for (long n : p.storyNumbers())
                QVERIFY2(p.prompt.find(std::to_string(n)) != std::string::npos, p.prompt.c_str());
        }
        QCOMPARE(ops.size(), size_t(4));
        QVERIFY(firstWords.size() >= 20); // names vary
    }

    void stepsKnobControlsDifficulty()
    {
        ArithConfig config;
        config.minSteps = config.maxSteps = 3;
        for (const auto &p : ArithTask(config).generate(Split::Test, 500, 5))
            QCOMPARE(p.steps.size(), size_t(3));
        config.minSteps = 3;
        config.maxSteps = 2;
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, ArithTask{config});
        config.minSteps = 0;
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, ArithTask{config});
    }

    // The largest number a story may reach: below 30 no story fits, above a
    // million the numbers stop being a test of the steps. Also when it comes from
    // a problem id (rlrf judge's "prompt_id").
    void maxValueOutOfRangeIsNamed()
    {
        for (const long value : {29L, 1000001L, -5L}) {
            ArithConfig config;
            config.maxValue = value;
            try {
                (void)ArithTask(config);
                QFAIL("accepted");
            } catch (const rlrf::Error &e) {
                QCOMPARE(std::string(e.what()),
                         "'max_value': arith maxValue must be in 30..1000000, got " + std::to_string(value));
            }
        }
        try {
            ArithTask::problemFromId("arith/train/1/2-4/5/0");
            QFAIL("accepted");
        } catch (const rlrf::Error &e) {
            QVERIFY2(std::string(e.what()).find("arith maxValue must be in 30..1000000, got 5") != std::string::npos,
                     e.what());
        }
        ArithConfig edge;
        edge.maxValue = 30;
        QCOMPARE(ArithTask(edge).generate(Split::Test, 5, 1).size(), size_t(5));
    }

    void storiesReadBackIntoTheirSteps()
    {
        const ArithTask task;
        for (Split split : {Split::Train, Split::Test})
            for (const auto &p : task.generate(split, 3000, 11)) {
                const ArithProblem back = ArithTask::problemFromPrompt(p.prompt);
                QCOMPARE(back.canonical(), p.canonical());
            }
    }

    void unreadableStoriesNameTheSentence()
    {
        try {
            ArithTask::problemFromPrompt("Mia has 12 apples. She flies to the moon. How many apples does Mia have now?");
            QFAIL("an unknown sentence must throw");
        } catch (const rlrf::Error &e) {
            QVERIFY2(std::string(e.what()).find("sentence 2 'She flies to the moon.'") != std::string::npos, e.what());
        }
        // Parses, but 13 apples do not go into 2 equal bags.
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, ArithTask::problemFromPrompt(
            "Mia has 13 apples. She puts the apples into 2 equal bags and keeps one bag. How many apples does Mia have now?"));
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, ArithTask::problemFromPrompt("Just a question?"));
    }

    void idsFindTheirProblems()
    {
        const auto list = ArithTask().problems(Split::Validation, 50, 3);
        const ArithProblem p = ArithTask::problemFromId(list[49].id);
        QCOMPARE(p.prompt, list[49].prompt);
        // Many ids, out of order, through the cache: the same problems.
        ArithIdCache cache;
        for (size_t i : {7, 0, 49, 3, 48, 7})
            QCOMPARE(cache.problem(list[i].id).prompt, list[i].prompt);
        const auto other = ArithTask().problems(Split::Train, 5, 3);
        QCOMPARE(cache.problem(other[4].id).prompt, other[4].prompt);
        for (const char *bad : {"arith/train/1/2-4/100", "arith/nope/1/2-4/100/0", "arith/train/x/2-4/100/0",
                                "gsm8k/train/1/2-4/100/0", "arith/train/1/24/100/0", "arith/train/1/999-4/100/0",
                                "arith/train/1/2-9/100/0", "arith/train/1/2-4/5/0", "arith/train/1/2-4/100/12345678",
                                "arith/train/-1/2-4/100/0"})
            QVERIFY_THROWS_EXCEPTION(rlrf::Error, ArithTask::problemFromId(bad));
    }

    // The oracle reflection is the worked one: it works every step of the
    // problem again; a prompt outside the story templates has none.
    void oracleReflectionWorksTheChainAgain()
    {
        const ArithTask task;
        for (const auto &p : task.problems(Split::Test, 20, 7)) {
            const std::string attempt = "1 + 1 = 3\nAnswer: 3";
            const auto oracle = task.oracleReflection(p, attempt);
            QVERIFY(oracle.has_value());
            const auto problem = ArithTask::problemFromPrompt(p.prompt);
            QCOMPARE(*oracle, rlrf::demo::arithWorkedReflection(problem, attempt));
            for (const auto &step : problem.steps) {
                const auto line = std::to_string(step.left) + " " + symbol(step.op) + " " + std::to_string(step.right)
                                  + " = " + std::to_string(step.result);
                QVERIFY2(oracle->find(line) != std::string::npos, (line + " not in: " + *oracle).c_str());
            }
        }
        QVERIFY(!task.oracleReflection({"x", "What is the capital of France?", "Paris", ""}, "Answer: 3"));
    }

    void canonicalAnswersVerify()
    {
        const ArithTask task;
        for (const auto &p : task.problems(Split::Test, 2000, 42)) {
            const Verdict v = task.verify(p, p.canonical);
            QVERIFY2(v.correct, v.reason.c_str());
        }
    }

    void answerLineForms_data()
    {
        QTest::addColumn<QString>("response");
        QTest::addColumn<bool>("correct");
        QTest::newRow("canonical") << "3 + 4 = 7\nAnswer: 7" << true;
        QTest::newRow("spaces") << "  Answer :   7  " << true;
        QTest::newRow("period") << "Answer: 7." << true;
        QTest::newRow("unit words") << "Answer: 7 apples" << true;
        QTest::newRow("no space") << "Answer:7" << true;
        QTest::newRow("wrong") << "Answer: 8" << false;
        QTest::newRow("missing") << "3 + 4 = 7" << false;
        QTest::newRow("lower case") << "answer: 7" << false;
        QTest::newRow("no colon") << "Answer 7" << false;
        QTest::newRow("no number") << "Answer: seven" << false;
        QTest::newRow("hedged") << "Answer: 7 or 8" << false;
        QTest::newRow("glued") << "Answer: 7x" << false;
        QTest::newRow("two lines, same") << "Answer: 7\nAnswer: 7" << false;
        QTest::newRow("two lines, hedge") << "Answer: 8\nAnswer: 7" << false;
        QTest::newRow("mid-line") << "So the Answer: 7" << false;
        QTest::newRow("empty") << "" << false;
    }

    void answerLineForms()
    {
        QFETCH(QString, response);
        QFETCH(bool, correct);
        const Problem p{"x", "prompt", "7", "Answer: 7"};
        const Verdict v = ArithTask().verify(p, response.toStdString());
        QVERIFY2(v.correct == correct, v.reason.c_str());
        QVERIFY(!v.reason.empty());
    }

    void splitNames()
    {
        QCOMPARE(parseSplit("validation"), Split::Validation);
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, parseSplit("dev"));
    }
};

QTEST_GUILESS_MAIN(TestArithTask)
#include "tst_arith_task.moc"
