// Strict parsing of language-model judge answers: complete answers parse, anything
// partial or malformed fails with a reason and no ratings.
#include "common/test_rubrics.h"
#include "feedback/judge_parser.h"
#include "feedback/judge_prompt.h"

#include <QtTest/QtTest>

using namespace rlrf::feedback;

namespace {

std::string ratingsJson(const std::vector<std::pair<std::string, std::string>> &items)
{
    std::string s = "{\"ratings\": [";
    for (size_t i = 0; i < items.size(); ++i)
        s += (i ? ", " : "") + std::string("{\"aspect\": \"") + items[i].first + "\", \"rating\": " + items[i].second
             + ", \"rationale\": \"because " + items[i].first + "\"}";
    return s + "]}";
}

const std::vector<std::pair<std::string, std::string>> kComplete = {
    {"Factuality", "3"}, {"Logical Correctness", "1"}, {"Completeness", "2"}, {"Comprehension", "3"}, {"Readability", "3"}};

} // namespace

class TestJudgeParser : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void completeAnswerParses()
    {
        const Rubric rubric = rlrf::test::eightAspectRubric();
        const std::string text = "Here is my evaluation.\n```json\n" + ratingsJson(kComplete) + "\n```\nDone.";
        const Critique c = parseJudgeOutput(text, rubric);
        QCOMPARE(int(c.parseStatus), int(ParseStatus::Ok));
        QCOMPARE(c.aspects.size(), size_t(8)); // in rubric order, n/a ones included
        QCOMPARE(c.aspects[1].aspect, std::string("Logical Correctness"));
        QCOMPARE(c.aspects[1].rating, 1);
        QCOMPARE(c.aspects[2].rating, kNotApplicable);
        QCOMPARE(c.aspects[4].rating, 2);
        QCOMPARE(c.rawOutput, text);
    }

    void namesMatchCaseInsensitivelyAndDigitStringsCount()
    {
        auto items = kComplete;
        items[0] = {"  factuality ", "\"2\""};
        const Critique c = parseJudgeOutput(ratingsJson(items), rlrf::test::eightAspectRubric());
        QCOMPARE(int(c.parseStatus), int(ParseStatus::Ok));
        QCOMPARE(c.aspects[0].rating, 2);
    }

    void failures_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("reason");
        auto missing = kComplete;
        missing.pop_back();
        auto outOfRange = kComplete;
        outOfRange[2].second = "4";
        auto fractional = kComplete;
        fractional[2].second = "2.5";
        auto word = kComplete;
        word[2].second = "\"good\"";
        auto unknown = kComplete;
        unknown.push_back({"Creativity", "3"});
        auto notApplicable = kComplete;
        notApplicable.push_back({"Harmlessness", "3"});
        auto twice = kComplete;
        twice.push_back({"Readability", "2"});
        QTest::newRow("prose only") << "The answer is good. 3/3." << "no JSON object";
        QTest::newRow("broken JSON") << "{\"ratings\": [ {\"aspect\": }" << "invalid JSON";
        // Found by the judge_output fuzz target: the number overflow escaped as an exception.
        QTest::newRow("number out of range") << "{\"ratings\": 1e99999}" << "invalid JSON";
        QTest::newRow("no ratings list") << "{\"scores\": {}}" << "no \"ratings\" list";
        QTest::newRow("aspect missing") << QString::fromStdString(ratingsJson(missing)) << "\"Readability\" was not rated";
        QTest::newRow("rating 4") << QString::fromStdString(ratingsJson(outOfRange)) << "rating must be 1, 2 or 3";
        QTest::newRow("rating 2.5") << QString::fromStdString(ratingsJson(fractional)) << "rating must be 1, 2 or 3";
        QTest::newRow("rating word") << QString::fromStdString(ratingsJson(word)) << "rating must be 1, 2 or 3";
        QTest::newRow("unknown aspect") << QString::fromStdString(ratingsJson(unknown)) << "unknown aspect \"Creativity\"";
        QTest::newRow("n/a aspect rated") << QString::fromStdString(ratingsJson(notApplicable)) << "does not apply";
        QTest::newRow("rated twice") << QString::fromStdString(ratingsJson(twice)) << "rated twice";
        QTest::newRow("empty rationale")
            << QString::fromStdString(ratingsJson(kComplete)).replace(QStringLiteral("because Factuality"), QString())
            << "missing rationale";
    }

    void failures()
    {
        QFETCH(QString, text);
        QFETCH(QString, reason);
        const Critique c = parseJudgeOutput(text.toStdString(), rlrf::test::eightAspectRubric());
        QCOMPARE(int(c.parseStatus), int(ParseStatus::Failed));
        QVERIFY2(QString::fromStdString(c.parseError).contains(reason), c.parseError.c_str());
        QVERIFY(c.aspects.empty()); // never a partial score
        QCOMPARE(c.rawOutput, text.toStdString());
    }

    void promptListsApplicableAspectsWithLevels()
    {
        const Rubric rubric = rlrf::test::eightAspectRubric();
        const auto messages = buildJudgeMessages({"What is 2+3?", "2+3 = 6\nAnswer: 6", std::string("5")}, rubric);
        QCOMPARE(messages.size(), size_t(2));
        const std::string user = messages[1]["content"];
        QVERIFY(user.find("Logical Correctness") != std::string::npos);
        QVERIFY(user.find("1 = fails") != std::string::npos);
        QVERIFY(user.find("Metacognition") == std::string::npos); // does not apply
        QVERIFY(user.find("Answer: 6") != std::string::npos);
        QVERIFY(user.find("Reference answer") != std::string::npos);
        // The format the prompt asks for is the one the parser accepts.
        QVERIFY(user.find("\"ratings\"") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestJudgeParser)
#include "tst_judge_parser.moc"
