// SPDX-License-Identifier: GPL-3.0-or-later
// The Countdown verifier on the 256 real problems of shared/data/countdown
// (countdown_cd3_test.jsonl from dllm-reasoning/d1; it holds no reference
// equations). The reference here is an independent brute-force solver written in
// this file: it combines the numbers pairwise with its own fractions and builds
// an equation string; the verifier, which parses text, must accept that
// equation, and reject it for a different target. Hand-written invalid
// equations cover each rule.
#include "tasks/countdown/countdown_verifier.h"

#include "common/test_paths.h"

#include "core/error.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <fstream>
#include <numeric>

using namespace rlrf::tasks;

namespace {

// The solver's own fraction: plain long long, reduced, positive denominator.
struct Frac {
    long long n, d;
};

Frac reduce(long long n, long long d)
{
    if (d < 0) {
        n = -n;
        d = -d;
    }
    const long long g = std::gcd(n, d);
    return {n / g, d / g};
}

struct Item {
    Frac value;
    std::string text;
};

// Depth-first over every pair and every operation; returns an equation string.
bool solve(std::vector<Item> items, long long target, std::string &out)
{
    if (items.size() == 1) {
        if (items[0].value.d == 1 && items[0].value.n == target) {
            out = items[0].text;
            return true;
        }
        return false;
    }
    for (size_t i = 0; i < items.size(); ++i)
        for (size_t j = 0; j < items.size(); ++j) {
            if (i == j)
                continue;
            std::vector<Item> rest;
            for (size_t k = 0; k < items.size(); ++k)
                if (k != i && k != j)
                    rest.push_back(items[k]);
            const Frac a = items[i].value, b = items[j].value;
            const std::string x = items[i].text, y = items[j].text;
            std::vector<Item> options = {
                {reduce(a.n * b.d + b.n * a.d, a.d * b.d), "(" + x + " + " + y + ")"},
                {reduce(a.n * b.d - b.n * a.d, a.d * b.d), "(" + x + " - " + y + ")"},
                {reduce(a.n * b.n, a.d * b.d), "(" + x + " * " + y + ")"},
            };
            if (b.n != 0)
                options.push_back({reduce(a.n * b.d, a.d * b.n), "(" + x + " / " + y + ")"});
            for (const auto &o : options) {
                auto next = rest;
                next.push_back(o);
                if (solve(next, target, out))
                    return true;
            }
        }
    return false;
}

QString dataFile()
{
    return rlrf::test::sharedData(QStringLiteral("countdown/countdown_cd3_test.jsonl"));
}

} // namespace

class TestCountdownVerifier : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void realProblemsWithSolverEquations()
    {
        const QString path = dataFile();
        QVERIFY2(!path.isEmpty(), qPrintable(QStringLiteral("missing countdown/countdown_cd3_test.jsonl under ")
                                             + rlrf::test::sharedDataDir()));
        const auto problems = readCountdownProblems(path.toStdString());
        QCOMPARE(problems.size(), size_t(256));
        int solved = 0;
        for (const auto &p : problems) {
            QCOMPARE(p.numbers.size(), size_t(3));
            std::vector<Item> items;
            for (auto n : p.numbers)
                items.push_back({{n, 1}, std::to_string(n)});
            std::string equation;
            if (!solve(items, p.target, equation))
                continue;
            ++solved;
            const Verdict ok = verifyCountdown(p, "<think>try</think>\n<answer>" + equation + "</answer>");
            QVERIFY2(ok.correct, (equation + ": " + ok.reason).c_str());
            QVERIFY(verifyCountdownEquation(p, equation + " = " + std::to_string(p.target)).correct);
            CountdownProblem other = p;
            other.target += 1;
            QVERIFY2(!verifyCountdownEquation(other, equation).correct, equation.c_str());
        }
        qInfo("%d of %zu problems have a solution", solved, problems.size());
        // The set is built to be solvable; the solver finds an equation for each.
        QCOMPARE(solved, 256);
    }

    void invalidEquations_data()
    {
        QTest::addColumn<QString>("equation");
        QTest::addColumn<QString>("reason"); // a part of the reason
        // Problem: numbers 30, 100, 93; target 23 (the data set's first row).
        QTest::newRow("number used twice") << "30 - (100 - 93) + 0 * 30" << "exactly once";
        QTest::newRow("missing number") << "30 - 7" << "exactly once";
        QTest::newRow("number not given") << "30 - (100 - 93) + 1 - 1" << "exactly once";
        QTest::newRow("wrong value") << "30 + 100 - 93" << "not the target";
        QTest::newRow("division by zero") << "30 / (100 - 100) + 93" << "division by zero";
        QTest::newRow("junk") << "import os" << "cannot evaluate";
        QTest::newRow("unbalanced") << "(30 - (100 - 93)" << "missing ')'";
        QTest::newRow("unary minus") << "-93 + 100 + 30" << "cannot evaluate";
        QTest::newRow("decimal") << "30.0 - (100 - 93)" << "cannot evaluate";
        QTest::newRow("wrong right side") << "30 - (100 - 93) = 24" << "right side";
        QTest::newRow("empty") << "" << "no equation";
        QTest::newRow("letters") << "x - (100 - 93)" << "cannot evaluate";
    }

    void invalidEquations()
    {
        QFETCH(QString, equation);
        QFETCH(QString, reason);
        const CountdownProblem p{{30, 100, 93}, 23};
        QVERIFY(verifyCountdownEquation(p, "30 - (100 - 93)").correct);
        const Verdict v = verifyCountdown(p, equation.toStdString());
        QVERIFY(!v.correct);
        QVERIFY2(QString::fromStdString(v.reason).contains(reason), v.reason.c_str());
    }

    void fractionsAlongTheWay()
    {
        // 4 / 8 = 1/2, and 1/2 * 6 = 3: allowed by default, refused on request.
        const CountdownProblem p{{4, 8, 6}, 3};
        QVERIFY(verifyCountdownEquation(p, "4 / 8 * 6").correct);
        CountdownRules whole;
        whole.wholeIntermediates = true;
        const Verdict v = verifyCountdownEquation(p, "4 / 8 * 6", whole);
        QVERIFY(!v.correct);
        QVERIFY2(v.reason.find("fraction") != std::string::npos, v.reason.c_str());
        QVERIFY(verifyCountdownEquation(p, "6 / (8 - 4) * 2", whole).correct == false); // 2 is not given
        QVERIFY(verifyCountdownEquation(p, "(8 - 4) / 4 * 6", whole).correct == false); // 4 twice
    }

    void equationExtraction()
    {
        QCOMPARE(extractCountdownEquation("Let me think.\n\n(1 + 2) * 3\n"), std::string("(1 + 2) * 3"));
        QCOMPARE(extractCountdownEquation("<answer>1 + 2</answer> then <answer> 3 * 4 </answer>"),
                 std::string("3 * 4"));
        QCOMPARE(extractCountdownEquation("  \n "), std::string());
    }

    void badProblemFilesNameTheLine_data()
    {
        QTest::addColumn<QByteArray>("contents");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << QByteArray("{\"input\": \"1,2,3\", \"output\": \"6\"}\n{oops}\n")
                                  << "bad.jsonl:2: invalid JSON";
        QTest::newRow("missing output") << QByteArray("{\"input\": \"1,2,3\"}\n") << "bad.jsonl:1: 'output'";
        QTest::newRow("number as text") << QByteArray("{\"input\": \"1,two,3\", \"output\": \"6\"}\n")
                                        << "bad.jsonl:1: 'input': expected a whole number";
        QTest::newRow("one number") << QByteArray("{\"input\": \"7\", \"output\": \"7\"}\n") << "at least two";
        QTest::newRow("not an object") << QByteArray("[1, 2, 3]\n") << "expected a JSON object";
    }

    void badProblemFilesNameTheLine()
    {
        QFETCH(QByteArray, contents);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const std::string path = (dir.path() + QStringLiteral("/bad.jsonl")).toStdString();
        std::ofstream(path) << contents.toStdString();
        try {
            readCountdownProblems(path);
            QFAIL("a bad file must throw");
        } catch (const rlrf::Error &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(expected), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestCountdownVerifier)
#include "tst_countdown_verifier.moc"
