// SPDX-License-Identifier: GPL-3.0-or-later
// The arith rule judge: every generated canonical answer gets 3 on every
// applicable aspect and reward 1; hand-written wrong answers (written here for
// one story whose truth is 12 + 5 = 17, 17 - 3 = 14, 14 * 2 = 28) get the
// expected ratings, and their critique names the first wrong step and the kind
// of mistake without ever stating a corrected number.
#include "common/test_rubrics.h"
#include "feedback/rule_judge.h"
#include "tasks/arith/arith_mistakes.h"
#include "tasks/arith/arith_rule_judge.h"
#include "tasks/arith/arith_task.h"
#include "types/aspect_names.h"
#include "types/critique_text.h"

#include "core/error.h"

#include <QtTest/QtTest>

using namespace rlrf::feedback;
using rlrf::tasks::ArithProblem;
using rlrf::tasks::ArithTask;

namespace {

const char *kStory = "Mia has 12 apples. She buys 5 more apples at the shop. She sells 3 apples to Tom. "
                     "She buys enough to have 2 times as many apples as before. How many apples does Mia have now?";

int ratingOf(const Critique &c, const char *aspectName)
{
    for (const auto &a : c.aspects)
        if (a.aspect == aspectName)
            return a.rating;
    return -1;
}

// Every text a refinement or a person could see from this critique.
QString allText(const Critique &c)
{
    QString text = QString::fromStdString(c.rawOutput + "\n" + refinementFeedback(c));
    for (const auto &a : c.aspects)
        text += QString::fromStdString("\n" + a.rationale);
    return text;
}

bool mentionsNumber(const QString &text, long n)
{
    return text.contains(QRegularExpression(QStringLiteral("(?<![0-9.])%1(?![0-9])").arg(n)));
}

} // namespace

class TestRuleJudgeArith : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void storyIsWhatTheTestsAssume()
    {
        const ArithProblem p = ArithTask::problemFromPrompt(kStory);
        QCOMPARE(p.canonical(), std::string("12 + 5 = 17\n17 - 3 = 14\n14 * 2 = 28\nAnswer: 28"));
    }

    void canonicalAnswersGetFullMarks()
    {
        const ArithTask task;
        for (auto split : {rlrf::tasks::Split::Train, rlrf::tasks::Split::Validation, rlrf::tasks::Split::Test})
            for (const auto &p : task.generate(split, 10000, 2024)) {
                const Critique c = judgeArith(p, p.canonical());
                QCOMPARE(c.judge, std::string("rule:arith"));
                QCOMPARE(c.reward, std::optional<double>(1.0));
                QCOMPARE(c.overall, 1.0);
                QCOMPARE(c.aspects.size(), size_t(8));
                for (const auto &a : c.aspects)
                    QVERIFY2(a.rating == 3 || a.rating == kNotApplicable, (p.canonical() + "\n" + a.rationale).c_str());
                QVERIFY(refinementFeedback(c).empty());
            }
    }

    void judgeInterfaceReadsTheProblemFromThePrompt()
    {
        // Through the common Judge interface the judge only sees prompt and response.
        rlrf::feedback::ArithRuleJudge judge;
        const auto rubric = rlrf::test::eightAspectRubric();
        std::vector<rlrf::feedback::JudgeRequest> requests;
        requests.push_back({kStory, "12 + 5 = 17\n17 - 3 = 14\n14 * 2 = 28\nAnswer: 28", std::nullopt});
        requests.push_back({kStory, "12 + 5 = 17\n17 - 3 = 15\n15 * 2 = 30\nAnswer: 30", std::nullopt});
        const auto critiques = judge.judgeBatch(requests, rubric, rlrf::RunContext{});
        QCOMPARE(critiques.size(), size_t(2));
        QCOMPARE(critiques[0].overall, 1.0);
        QCOMPARE(critiques[0].reward, std::optional<double>(1.0));
        QVERIFY(critiques[1].overall < 1.0);
        QCOMPARE(critiques[1].reward, std::optional<double>(0.0));
        QCOMPARE(judge.id(), std::string("rule:arith"));
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, judge.judge({"What is the capital of France?", "Paris", std::nullopt}, rubric));
    }

    void notApplicableAspects()
    {
        const Critique c = judgeArith(ArithTask::problemFromPrompt(kStory), "garbage");
        for (const char *name : {aspect::kMetacognition, aspect::kInsightfulness, aspect::kHarmlessness}) {
            QCOMPARE(ratingOf(c, name), kNotApplicable);
        }
    }

    void handWrittenAnswers_data()
    {
        QTest::addColumn<QString>("response");
        QTest::addColumn<QList<int>>("ratings"); // Logical, Factuality, Completeness, Comprehension, Readability
        QTest::addColumn<double>("reward");
        QTest::addColumn<QString>("firstMistake"); // the start of the first-mistake sentence
        QTest::newRow("right") << "12 + 5 = 17\n17 - 3 = 14\n14 * 2 = 28\nAnswer: 28"
                               << QList<int>{3, 3, 3, 3, 3} << 1.0 << QString();
        QTest::newRow("right, operands swapped") << "5 + 12 = 17\n17 - 3 = 14\n2 * 14 = 28\nAnswer: 28"
                                                 << QList<int>{3, 3, 3, 3, 3} << 1.0 << QString();
        QTest::newRow("arithmetic slip in step 2") << "12 + 5 = 17\n17 - 3 = 15\n15 * 2 = 30\nAnswer: 30"
                                                   << QList<int>{2, 3, 3, 3, 3} << 0.0
                                                   << "Step 2 (line 2): arithmetic slip";
        QTest::newRow("wrong operation") << "12 + 5 = 17\n17 + 3 = 20\n20 * 2 = 40\nAnswer: 40"
                                         << QList<int>{3, 3, 3, 2, 3} << 0.0 << "Step 2 (line 2): wrong operation";
        QTest::newRow("number not in the story") << "12 + 5 = 17\n17 - 4 = 13\n13 * 2 = 26\nAnswer: 26"
                                                 << QList<int>{3, 2, 3, 3, 3} << 0.0
                                                 << "Step 2 (line 2): number not in the story";
        QTest::newRow("story number of another event") << "12 + 5 = 17\n17 - 5 = 12\n12 * 2 = 24\nAnswer: 24"
                                                       << QList<int>{3, 2, 3, 3, 3} << 0.0
                                                       << "Step 2 (line 2): wrong number taken from the story";
        QTest::newRow("missing Answer line") << "12 + 5 = 17\n17 - 3 = 14\n14 * 2 = 28"
                                             << QList<int>{3, 3, 2, 3, 3} << 0.0 << "At the end: missing answer line";
        QTest::newRow("missing step") << "12 + 5 = 17\n17 * 2 = 34\nAnswer: 34"
                                      << QList<int>{3, 3, 2, 3, 3} << 0.0 << "Step 2 (line 2): missing step";
        QTest::newRow("missing first step") << "12 - 3 = 9\n9 * 2 = 18\nAnswer: 18"
                                            << QList<int>{3, 3, 2, 3, 3} << 0.0 << "Step 1 (line 1): missing step";
        QTest::newRow("not chained") << "12 + 5 = 17\n16 - 3 = 13\n13 * 2 = 26\nAnswer: 26"
                                     << QList<int>{2, 3, 3, 3, 3} << 0.0 << "Step 2 (line 2): step not chained";
        QTest::newRow("extra step") << "12 + 5 = 17\n17 - 3 = 14\n14 * 2 = 28\n28 + 1 = 29\nAnswer: 29"
                                    << QList<int>{3, 3, 3, 2, 3} << 0.0 << "Step 4 (line 4): extra step";
        QTest::newRow("events out of order") << "12 - 3 = 9\n9 + 5 = 14\n14 * 2 = 28\nAnswer: 28"
                                             << QList<int>{3, 2, 2, 1, 3} << 1.0 << "Step 1 (line 1): missing step";
        QTest::newRow("answer does not follow") << "12 + 5 = 17\n17 - 3 = 14\n14 * 2 = 28\nAnswer: 27"
                                                << QList<int>{2, 3, 3, 3, 3} << 0.0 << "On line 4: answer does not follow";
        QTest::newRow("two answer lines") << "12 + 5 = 17\n17 - 3 = 14\n14 * 2 = 28\nAnswer: 28\nAnswer: 29"
                                          << QList<int>{3, 3, 3, 3, 2} << 0.0 << "On line 5: more than one answer line";
        QTest::newRow("malformed step line") << "12 + 5 = 17\n17 minus 3 is 14\n14 * 2 = 28\nAnswer: 28"
                                             << QList<int>{3, 3, 2, 3, 2} << 1.0 << "On line 2: malformed line";
        QTest::newRow("garbage") << "I think Mia has lots of apples!!" << QList<int>{1, 1, 1, 1, 1} << 0.0
                                 << "On line 1: malformed line";
        QTest::newRow("empty") << "" << QList<int>{1, 1, 1, 1, 1} << 0.0 << "Step 1 (line 1): missing step";
        QTest::newRow("answer only") << "Answer: 28" << QList<int>{1, 1, 1, 1, 3} << 1.0 << "Step 1 (line 1): missing step";
    }

    void handWrittenAnswers()
    {
        QFETCH(QString, response);
        QFETCH(QList<int>, ratings);
        QFETCH(double, reward);
        QFETCH(QString, firstMistake);
        const ArithProblem problem = ArithTask::problemFromPrompt(kStory);
        const Critique c = judgeArith(problem, response.toStdString());
        const QList<int> got{ratingOf(c, aspect::kLogicalCorrectness), ratingOf(c, aspect::kFactuality),
                             ratingOf(c, aspect::kCompleteness), ratingOf(c, aspect::kComprehension),
                             ratingOf(c, aspect::kReadability)};
        const QString text = allText(c);
        QVERIFY2(got == ratings, qPrintable(text));
        QCOMPARE(c.reward, std::optional<double>(reward));
        if (firstMistake.isEmpty()) {
            QVERIFY(c.rawOutput.rfind("No mistakes found.", 0) == 0);
            return;
        }
        QVERIFY2(QString::fromStdString(c.rawOutput).startsWith(QStringLiteral("First mistake: ") + firstMistake),
                 qPrintable(text));
        // The right values of the broken steps and the answer appear nowhere.
        for (long truth : {14L, 28L})
            QVERIFY2(!mentionsNumber(text, truth), qPrintable(QStringLiteral("%1 leaked:\n%2").arg(truth).arg(text)));
        // Every aspect rated below 3 is in the refinement feedback, the others not.
        const QString feedback = QString::fromStdString(refinementFeedback(c));
        for (const auto &a : c.aspects) {
            const bool listed = feedback.contains(QStringLiteral("- %1 (").arg(QString::fromStdString(a.aspect)));
            QCOMPARE(listed, a.rating == 1 || a.rating == 2);
        }
    }

    void overallFollowsTheRatings()
    {
        const Critique c = judgeArith(ArithTask::problemFromPrompt(kStory), "12 + 5 = 17\n17 - 3 = 15\n15 * 2 = 30\nAnswer: 30");
        // Logical Correctness 2 -> 0.5, four aspects at 3 -> 1 each: 4.5 / 5.
        QCOMPARE(c.overall, 0.9);
    }

    void rubricWeightsTheOverall()
    {
        Rubric rubric;
        rubric.name = "arith";
        for (const char *name : aspect::kAll)
            rubric.aspects.push_back(RubricAspect{name, {}, {}, 1.0, true});
        rubric.aspects[1].weight = 3.0; // Logical Correctness
        const std::string slip = "12 + 5 = 17\n17 - 3 = 15\n15 * 2 = 30\nAnswer: 30";
        const Critique c = judgeArith(ArithTask::problemFromPrompt(kStory), slip, rubric);
        // Logical Correctness 2 (0.5) weighs 3, four aspects at 3 weigh 1: (1.5 + 4) / 7.
        QCOMPARE(c.overall, 5.5 / 7.0);
        QVERIFY(c.rawOutput.find("Overall: 0.786") != std::string::npos);
        rubric.aspects.pop_back(); // no Harmlessness: the rubric must name every aspect rated
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, judgeArith(ArithTask::problemFromPrompt(kStory), slip, rubric));
    }

    void renderingListsEveryAspect()
    {
        const Critique c = judgeArith(ArithTask::problemFromPrompt(kStory), "12 + 5 = 17\nAnswer: 17");
        const std::string text = renderCritique(c);
        for (const char *name : aspect::kAll)
            QVERIFY(text.find(std::string(name) + ": ") != std::string::npos);
        QVERIFY(text.find("Metacognition: n/a") != std::string::npos);
        QVERIFY(text.find("Reward: 0") != std::string::npos);
        QVERIFY(text.find("Judge: rule:arith") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestRuleJudgeArith)
#include "tst_rule_judge_arith.moc"
