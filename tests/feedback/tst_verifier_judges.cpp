// Task verifiers behind the Judge interface, on real rows: GSM8K solutions verify
// against their own final number, BFCL calls built from the possible answers
// match, Countdown equations are checked, and arith reads its problem from the prompt.
#include "common/test_paths.h"
#include "common/test_rubrics.h"

#include "core/error.h"
#include "core/jsonl_reader.h"
#include "feedback/verifier_judge.h"
#include "tasks/arith/arith_task.h"

#include <QtTest/QtTest>

using namespace rlrf::feedback;

namespace {

std::string data(const char *relative)
{
    const QString path = rlrf::test::sharedData(QLatin1String(relative));
    if (path.isEmpty())
        qFatal("reference data %s missing under %s", relative, qPrintable(rlrf::test::sharedDataDir()));
    return path.toStdString();
}

} // namespace

class TestVerifierJudges : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void gsm8kSolutionsVerify()
    {
        VerifierJudge judge(VerifierJudge::Kind::Gsm8k);
        const Rubric rubric = rlrf::test::eightAspectRubric();
        int rows = 0;
        rlrf::jsonl::forEachLine(data("gsm8k/test.jsonl"), [&](const nlohmann::json &row, long) {
            if (rows++ >= 100)
                return;
            const std::string answer = row["answer"];
            const JudgeRequest right{row["question"], answer, answer};
            const Critique c = judge.judge(right, rubric);
            QCOMPARE(c.reward, std::optional<double>(1.0));
            QCOMPARE(c.overall, 1.0);
            QCOMPARE(c.judge, std::string("verifier:gsm8k"));
            QCOMPARE(c.aspects.size(), rubric.aspects.size());
            for (const auto &a : c.aspects)
                QCOMPARE(a.rating, kNotApplicable);
            // The same working with another final number.
            const std::string wrongAnswer = answer.substr(0, answer.rfind("####")) + "#### 1234567";
            const JudgeRequest wrong{row["question"], wrongAnswer, answer};
            QCOMPARE(judge.judge(wrong, rubric).reward, std::optional<double>(0.0));
        });
        QCOMPARE(rows, 1319);
    }

    void bfclCallsMatchTheirPossibleAnswers()
    {
        VerifierJudge judge(VerifierJudge::Kind::Bfcl);
        // simple_python_0: ground truth {"calculate_triangle_area": {"base": [10], "height": [5], "unit": ["units", ""]}}
        std::string reference;
        rlrf::jsonl::forEachLine(data("bfcl/possible_answer/BFCL_v4_simple_python.json"), [&](const nlohmann::json &row, long) {
            if (row["id"] == "simple_python_0")
                reference = row["ground_truth"].dump();
        });
        QVERIFY(!reference.empty());
        const Rubric rubric = rlrf::test::eightAspectRubric();
        const auto verdict = [&](const std::string &call) {
            return judge.judge({"Find the area of a triangle", call, reference}, rubric).reward;
        };
        QCOMPARE(verdict("calculate_triangle_area(base=10, height=5)"), std::optional<double>(1.0));
        QCOMPARE(verdict("calculate_triangle_area(base=10, height=5, unit='units')"), std::optional<double>(1.0));
        QCOMPARE(verdict("calculate_triangle_area(base=10, height=6)"), std::optional<double>(0.0));
        QCOMPARE(verdict("triangle_area(base=10, height=5)"), std::optional<double>(0.0));
    }

    void countdownEquationsAreChecked()
    {
        VerifierJudge judge(VerifierJudge::Kind::Countdown);
        const Rubric rubric = rlrf::test::eightAspectRubric();
        const std::string ref = R"({"numbers": [3, 5, 7], "target": 22})";
        QCOMPARE(judge.judge({"Use 3, 5, 7 to make 22", "3 * 5 + 7 = 22", ref}, rubric).reward, std::optional<double>(1.0));
        QCOMPARE(judge.judge({"Use 3, 5, 7 to make 22", "3 + 5 + 7 = 15", ref}, rubric).reward, std::optional<double>(0.0));
        QCOMPARE(judge.judge({"Use 3, 5, 7 to make 22", "3 * 5 + 7 + 7", ref}, rubric).reward, std::optional<double>(0.0));
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, judge.judge({"p", "3*5+7", std::string("{\"numbers\": 3}")}, rubric));
    }

    void arithReadsTheProblemFromThePrompt()
    {
        VerifierJudge judge(VerifierJudge::Kind::Arith);
        const auto problems = rlrf::tasks::ArithTask().problems(rlrf::tasks::Split::Test, 20, 3);
        for (const auto &p : problems) {
            QCOMPARE(judge.judge({p.prompt, p.canonical, std::nullopt}, rlrf::test::eightAspectRubric()).reward,
                     std::optional<double>(1.0));
            QCOMPARE(judge.judge({p.prompt, "Answer: 100000", std::nullopt}, rlrf::test::eightAspectRubric()).reward,
                     std::optional<double>(0.0));
        }
    }

    void missingReferenceIsAnError()
    {
        VerifierJudge judge(VerifierJudge::Kind::Gsm8k);
        try {
            judge.judge({"q", "Answer: 3", std::nullopt}, rlrf::test::eightAspectRubric());
            QFAIL("must throw");
        } catch (const rlrf::Error &e) {
            QVERIFY2(std::string(e.what()).find("needs the prompt's reference answer") != std::string::npos, e.what());
        }
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, VerifierJudge::kindFromName("chess"));
        QCOMPARE(int(VerifierJudge::kindFromName("bfcl")), int(VerifierJudge::Kind::Bfcl));
    }
};

QTEST_GUILESS_MAIN(TestVerifierJudges)
#include "tst_verifier_judges.moc"
