// SPDX-License-Identifier: GPL-3.0-or-later
// The Countdown task: generated puzzles (splits disjoint, seeded, every reference
// equation accepted by the independent verifier of countdown_verifier.h, which
// parses the text), prompts that read back, and the 256 real problems of
// shared/data/countdown/countdown_cd3_test.jsonl (from dllm-reasoning/d1) as the
// test split: the file is read here with Qt's JSON reader, independently of the
// task, and the test split must be exactly its rows. Bad settings, bad files and
// foreign prompts each fail with a named error or a false verdict. The oracle
// reflection's equation (countdown_solver.h) passes the same verifier.
#include "tasks/countdown/countdown_solver.h"
#include "tasks/countdown/countdown_task.h"

#include "common/error_assert.h"
#include "common/test_paths.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <algorithm>
#include <set>

using namespace rlrf::tasks;

namespace {

QString realFile()
{
    const QString path = rlrf::test::sharedData(QStringLiteral("countdown/countdown_cd3_test.jsonl"));
    if (path.isEmpty())
        qFatal("countdown/countdown_cd3_test.jsonl missing under %s", qPrintable(rlrf::test::sharedDataDir()));
    return path;
}

// "sorted numbers|target" of each row, read with Qt's JSON parser.
std::multiset<std::string> realKeys()
{
    QFile file(realFile());
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    std::multiset<std::string> keys;
    for (const auto &line : file.readAll().split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const auto row = QJsonDocument::fromJson(line).object();
        auto parts = row.value(QStringLiteral("input")).toString().split(QLatin1Char(','));
        std::vector<long long> numbers;
        for (const auto &p : parts)
            numbers.push_back(p.trimmed().toLongLong());
        std::sort(numbers.begin(), numbers.end());
        std::string key;
        for (std::size_t i = 0; i < numbers.size(); ++i)
            key += (i ? "," : "") + std::to_string(numbers[i]);
        keys.insert(key + "|" + row.value(QStringLiteral("output")).toString().toStdString());
    }
    return keys;
}

std::set<std::string> keysOf(const std::vector<Problem> &problems)
{
    std::set<std::string> keys;
    for (const auto &p : problems)
        keys.insert(countdownPuzzleKey(CountdownTask::problemFromPrompt(p.prompt)));
    return keys;
}

} // namespace

class TestCountdownTask : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void generatedReferenceEquationsPassTheVerifier()
    {
        const CountdownTask task;
        for (Split split : {Split::Train, Split::Validation, Split::Test}) {
            const auto problems = task.problems(split, 200, 5);
            QCOMPARE(problems.size(), std::size_t{200});
            for (const auto &p : problems) {
                const auto puzzle = CountdownTask::problemFromPrompt(p.prompt);
                QCOMPARE(puzzle.numbers.size(), std::size_t{3});
                QVERIFY(puzzle.target >= 1 && puzzle.target <= 100);
                QCOMPARE(std::to_string(puzzle.target), p.answer);
                QCOMPARE(CountdownTask::splitOf(puzzle), split);
                const auto verdict = task.verify(p, "Let me think.\n" + p.canonical);
                QVERIFY2(verdict.correct, (p.canonical + ": " + verdict.reason).c_str());
            }
        }
    }

    // The oracle reflection ends with an equation the independent verifier
    // accepts, on generated puzzles and on every real one it solves; a puzzle
    // with no solution, or too big to search, has no oracle.
    void oracleReflectionsHoldASolution()
    {
        const std::string lead = "One that does: ";
        int solved = 0;
        const auto check = [&](const CountdownTask &task, const std::vector<Problem> &problems) {
            solved = 0;
            for (const auto &p : problems) {
                const auto oracle = task.oracleReflection(p, "Answer: 1 + 2");
                if (!oracle)
                    continue;
                const auto at = oracle->find(lead);
                QVERIFY2(at != std::string::npos, oracle->c_str());
                const auto equation = oracle->substr(at + lead.size());
                const auto verdict = verifyCountdownEquation(CountdownTask::problemFromPrompt(p.prompt), equation);
                QVERIFY2(verdict.correct, (equation + ": " + verdict.reason).c_str());
                QCOMPARE(task.oracleReflection(p, "another attempt"), oracle); // deterministic
                ++solved;
            }
        };
        const CountdownTask generated;
        const auto problems = generated.problems(Split::Test, 100, 5);
        check(generated, problems);
        QCOMPARE(solved, 100); // generated puzzles always have a solution
        const CountdownTask real({3, 3, 100, 100, realFile().toStdString()});
        check(real, real.problems(Split::Test, 256, 0));
        QVERIFY2(solved > 200, qPrintable(QString::number(solved)));

        QVERIFY(!solveCountdown({{1, 1, 1}, 97}));
        QVERIFY(!solveCountdown({{1, 2, 3, 4, 5, 6}, 21})); // more numbers than the search takes
        QCOMPARE(solveCountdown({{3, 5, 4}, 32}), std::optional<std::string>("4 * (3 + 5)"));
        QVERIFY(!generated.oracleReflection({"x", "not a countdown prompt", "1", ""}, "1"));
    }

    void splitsAreDisjointAndSeeded()
    {
        const CountdownTask task;
        const auto train = keysOf(task.problems(Split::Train, 800, 1));
        const auto validation = keysOf(task.problems(Split::Validation, 100, 1));
        const auto test = keysOf(task.problems(Split::Test, 100, 1));
        QCOMPARE(train.size(), std::size_t{800}); // distinct within a split
        for (const auto &k : validation)
            QVERIFY(!train.count(k) && !test.count(k));
        for (const auto &k : test)
            QVERIFY(!train.count(k));
        const auto again = task.problems(Split::Train, 50, 1);
        const auto longer = task.problems(Split::Train, 60, 1);
        for (std::size_t i = 0; i < again.size(); ++i)
            QCOMPARE(again[i].prompt, longer[i].prompt);
        const auto other = task.problems(Split::Train, 50, 2);
        int same = 0;
        for (std::size_t i = 0; i < other.size(); ++i)
            same += other[i].prompt == again[i].prompt;
        QVERIFY(same < 5);
    }

    void realProblemsAreTheTestSplit()
    {
        CountdownConfig config;
        config.testFile = realFile().toStdString();
        const CountdownTask task(config);
        const auto expected = realKeys();
        QCOMPARE(expected.size(), std::size_t{256});
        const auto test = task.problems(Split::Test, 256, 3);
        std::multiset<std::string> got;
        for (const auto &p : test)
            got.insert(countdownPuzzleKey(CountdownTask::problemFromPrompt(p.prompt)));
        QVERIFY(got == expected);
        QVERIFY(test[0].id.rfind("countdown/file/", 0) == 0);
        // A different seed orders them differently; generated splits avoid them.
        QVERIFY(task.problems(Split::Test, 10, 4)[0].prompt != task.problems(Split::Test, 10, 3)[0].prompt
                || task.problems(Split::Test, 10, 4)[1].prompt != task.problems(Split::Test, 10, 3)[1].prompt);
        for (const auto &k : keysOf(task.problems(Split::Train, 2000, 1)))
            QVERIFY2(!expected.count(k), k.c_str());
        // A real problem is verified against its own numbers: "30,100,93 -> 23".
        Problem p = test[0];
        p.prompt = CountdownTask::promptFor({{30, 100, 93}, 23});
        QVERIFY(task.verify(p, "<answer>93 - (100 - 30)</answer>").correct);
        QVERIFY(task.verify(p, "<answer>93 - 100 + 30</answer>").correct); // -7 + 30
        QVERIFY(!task.verify(p, "<answer>93 + 100 - 30</answer>").correct);
        QVERIFY(!task.verify(p, "93 - 70").correct); // 70 is not given
    }

    void badInputIsNamed()
    {
        CountdownConfig config;
        config.minNumbers = 1;
        RLRF_VERIFY_THROWS_WITH(CountdownTask{config}, "numbers");
        config = {};
        config.maxNumber = 1;
        RLRF_VERIFY_THROWS_WITH(CountdownTask{config}, "max_number");
        config = {};
        config.maxTarget = 0;
        RLRF_VERIFY_THROWS_WITH(CountdownTask{config}, "max_target");

        QTemporaryDir dir;
        const auto bad = dir.filePath(QStringLiteral("bad.jsonl")).toStdString();
        {
            QFile f(QString::fromStdString(bad));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("{\"input\": \"1,2,3\", \"output\": \"6\"}\n{\"input\": \"1,2,3\"}\n");
        }
        config = {};
        config.testFile = bad;
        RLRF_VERIFY_THROWS_WITH(CountdownTask{config}, "bad.jsonl:2");

        config.testFile = realFile().toStdString();
        const CountdownTask real(config);
        RLRF_VERIFY_THROWS_WITH(real.problems(Split::Test, 257, 1), "256 problems");

        RLRF_VERIFY_THROWS_WITH(CountdownTask::problemFromPrompt("What is 2 + 2?"), "not a Countdown prompt");
        RLRF_VERIFY_THROWS_WITH(CountdownTask::problemFromPrompt(CountdownTask::promptFor({{1, 2}, 3}) + " Extra."),
                                "text after");
        const Problem foreign{"x", "What is 2 + 2?", "4", ""};
        QVERIFY(!CountdownTask().verify(foreign, "2 + 2").correct);
        const auto round = CountdownTask::problemFromPrompt(CountdownTask::promptFor({{4, 25, 7, 3}, 99}));
        QCOMPARE(round.numbers, (std::vector<std::int64_t>{4, 25, 7, 3}));
        QCOMPARE(round.target, std::int64_t{99});
    }
};

QTEST_GUILESS_MAIN(TestCountdownTask)
#include "tst_countdown_task.moc"
