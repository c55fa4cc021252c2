// SPDX-License-Identifier: GPL-3.0-or-later
// Where a critique says an answer first goes wrong: the rule judge's real
// critiques of answers made wrong on purpose cite the line that was changed
// first, for every kind of flaw but a missing Answer line (an absence, cited as
// "at the end"); correct answers cite nothing; and the line
// reading itself (any case, whole word, smallest line, only aspects rated below
// the top) on critiques written by hand.
#include "common/store_fixture.h"

#include "feedback/judge_factory.h"
#include "tasks/arith/arith_flaws.h"
#include "tasks/arith/arith_task.h"
#include "types/flaw_location.h"
#include "types/rubric_io.h"

#include <QtTest/QtTest>

#include <sstream>

using namespace rlrf;
using rlrf::demo::FlawKind;

namespace {

std::vector<std::string> lines(const std::string &text)
{
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

// 1-based number of the first line where `answer` leaves `canonical`.
int firstChangedLine(const std::string &canonical, const std::string &answer)
{
    const auto a = lines(canonical), b = lines(answer);
    std::size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i])
        ++i;
    return static_cast<int>(i) + 1;
}

feedback::Critique handMade(std::vector<feedback::AspectRating> aspects)
{
    feedback::Critique c;
    c.aspects = std::move(aspects);
    return c;
}

} // namespace

class TestFlawLocation : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void ruleJudgeCitesTheFirstChangedLine_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("slip") << int(FlawKind::ArithmeticSlip);
        QTest::newRow("operation") << int(FlawKind::WrongOperation);
        QTest::newRow("story number") << int(FlawKind::WrongStoryNumber);
        QTest::newRow("missing step") << int(FlawKind::MissingStep);
        QTest::newRow("missing answer") << int(FlawKind::MissingAnswerLine);
    }

    void ruleJudgeCitesTheFirstChangedLine()
    {
        QFETCH(int, kind);
        const auto rubric = feedback::loadRubricFile(test::rubricPath(QStringLiteral("math.json")).toStdString());
        auto judge = feedback::makeJudge("rule:arith");
        std::mt19937_64 rng(17);
        int made = 0, exact = 0, cited = 0;
        for (const auto &p : tasks::ArithTask().generate(tasks::Split::Train, 300, 23)) {
            const auto flawed = demo::flawedAnswer(p, FlawKind(kind), rng);
            if (!flawed)
                continue;
            ++made;
            const auto critique = judge->judge({p.prompt, *flawed, std::nullopt}, rubric);
            const auto line = feedback::firstFlawedLine(critique);
            if (FlawKind(kind) == FlawKind::MissingAnswerLine) {
                cited += line ? 1 : 0;
                continue;
            }
            QVERIFY2(line.has_value(), critique.rawOutput.c_str());
            const int changed = firstChangedLine(p.canonical(), *flawed);
            // Never after the first change: cutting there keeps no wrong line unflagged.
            QVERIFY2(*line <= changed, qPrintable(QStringLiteral("cited line %1, changed line %2:\n%3")
                                                     .arg(*line).arg(changed).arg(QString::fromStdString(*flawed))));
            exact += *line == changed ? 1 : 0;
        }
        QVERIFY(made >= 100);
        if (FlawKind(kind) == FlawKind::MissingAnswerLine) {
            QCOMPARE(cited, 0); // an absence at the end: no line to cite, the answer stays whole
            return;
        }
        // A missing step is seen where the chain breaks, which is the changed line;
        // a story number that fits another event can be read one line early.
        QVERIFY2(exact >= made * 9 / 10, qPrintable(QStringLiteral("%1 of %2 exact").arg(exact).arg(made)));
    }

    void correctAnswersCiteNoLine()
    {
        const auto rubric = feedback::loadRubricFile(test::rubricPath(QStringLiteral("math.json")).toStdString());
        auto judge = feedback::makeJudge("rule:arith");
        for (const auto &p : tasks::ArithTask().generate(tasks::Split::Train, 50, 29)) {
            const auto critique = judge->judge({p.prompt, p.canonical(), std::nullopt}, rubric);
            QVERIFY2(!feedback::firstFlawedLine(critique), critique.rawOutput.c_str());
        }
    }

    void readsTheSmallestLineOfAspectsBelowTheTop()
    {
        const auto c = handMade({{"Readability", 3, "Fine, though line 1 is long."},
                                 {"Logical Correctness", 1, "Line 6 is wrong, and so is line 4."},
                                 {"Factuality", 2, "LINE 3 uses a number from elsewhere."},
                                 {"Harmlessness", 0, "Not applicable (see line 2)."}});
        QCOMPARE(feedback::firstFlawedLine(c), std::optional<int>(3));
        QCOMPARE(feedback::firstFlawedLine(c, 2), std::optional<int>(4)); // only rating 1 counts below 2
        QVERIFY(!feedback::firstFlawedLine(handMade({{"Completeness", 2, "The outline lines 2 and 3 are thin."}})));
        QVERIFY(!feedback::firstFlawedLine(handMade({{"Completeness", 2, "baseline 7 differs"}})));
        QVERIFY(!feedback::firstFlawedLine(handMade({{"Completeness", 2, "line 0 and line x"}})));
        auto failed = handMade({{"Completeness", 1, "line 2"}});
        failed.parseStatus = feedback::ParseStatus::Failed;
        QVERIFY(!feedback::firstFlawedLine(failed));
    }

    void firstLinesKeepsWholeLines()
    {
        QCOMPARE(feedback::firstLines("a\nb\nc", 2), std::string("a\nb"));
        QCOMPARE(feedback::firstLines("a\nb\nc", 1), std::string("a"));
        QCOMPARE(feedback::firstLines("a\nb\nc", 3), std::string("a\nb\nc"));
        QCOMPARE(feedback::firstLines("a\nb\nc", 9), std::string("a\nb\nc"));
        QCOMPARE(feedback::firstLines("a\nb\n", 2), std::string("a\nb"));
        QCOMPARE(feedback::firstLines("a\nb", 0), std::string());
    }
};

QTEST_GUILESS_MAIN(TestFlawLocation)
#include "tst_flaw_location.moc"
