// SPDX-License-Identifier: GPL-3.0-or-later
// The win rate of M_i against M_{i-1} (backend/eval/win_rate) on hand-made answer
// rows whose outcome is worked out in the comments: verifier verdict before the
// judge's score, identical answers tie, ties count one half, prompts only one
// model answered are left out, and bad rows are refused with the prompt named.
#include "common/error_assert.h"

#include "eval/win_rate.h"

#include <QtTest/QtTest>

#include <limits>

using namespace rlrf;

namespace {

store::EvalAnswerRecord answer(std::int64_t prompt, const char *text, double overall,
                               std::optional<bool> correct = std::nullopt)
{
    return {1, 0, "test", prompt, text, overall, correct, "{}"};
}

} // namespace

class TestWinRate : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void comparesOnePrompt_data()
    {
        QTest::addColumn<int>("expected");
        QTest::addColumn<double>("overallA");
        QTest::addColumn<double>("overallB");
        QTest::addColumn<int>("correctA"); // -1: no verdict
        QTest::addColumn<int>("correctB");
        QTest::addColumn<bool>("sameText");
        QTest::newRow("higher score wins") << 1 << 0.8 << 0.6 << -1 << -1 << false;
        QTest::newRow("lower score loses") << -1 << 0.2 << 0.6 << -1 << -1 << false;
        QTest::newRow("equal scores tie") << 0 << 0.5 << 0.5 << -1 << -1 << false;
        QTest::newRow("correct beats a higher score") << 1 << 0.3 << 0.9 << 1 << 0 << false;
        QTest::newRow("wrong loses to a lower score") << -1 << 0.9 << 0.3 << 0 << 1 << false;
        QTest::newRow("both correct: score decides") << 1 << 0.9 << 0.7 << 1 << 1 << false;
        QTest::newRow("both wrong: score decides") << -1 << 0.1 << 0.7 << 0 << 0 << false;
        QTest::newRow("one verdict missing: score decides") << -1 << 0.1 << 0.7 << 1 << -1 << false;
        QTest::newRow("identical text ties whatever the scores") << 0 << 0.9 << 0.1 << 1 << 0 << true;
    }

    void comparesOnePrompt()
    {
        QFETCH(int, expected);
        QFETCH(double, overallA);
        QFETCH(double, overallB);
        QFETCH(int, correctA);
        QFETCH(int, correctB);
        QFETCH(bool, sameText);
        auto verdict = [](int c) { return c < 0 ? std::optional<bool>() : std::optional<bool>(c == 1); };
        const auto a = answer(1, "The answer is 12.", overallA, verdict(correctA));
        const auto b = answer(1, sameText ? "The answer is 12." : "The answer is 13.", overallB, verdict(correctB));
        QCOMPARE(eval::compareAnswers(a, b), expected);
        QCOMPARE(eval::compareAnswers(b, a), -expected); // antisymmetric
    }

    void countsOverCommonPrompts()
    {
        // Prompt: 1 win (correct vs wrong), 2 loss (0.4 < 0.7), 3 tie (same text),
        // 4 tie (equal scores), 5 win (0.9 > 0.5); 6 only M_i, 7 only M_{i-1}: left out.
        const std::vector<store::EvalAnswerRecord> current{
            answer(1, "12", 0.6, true), answer(2, "x", 0.4), answer(3, "same", 1.0, true),
            answer(4, "a", 0.5, false), answer(5, "b", 0.9, false), answer(6, "c", 1.0, true)};
        const std::vector<store::EvalAnswerRecord> previous{
            answer(7, "d", 0.0, false), answer(5, "e", 0.5, false), answer(4, "f", 0.5, false),
            answer(3, "same", 0.2, true), answer(2, "y", 0.7), answer(1, "13", 0.9, false)};
        const auto w = eval::winRate(current, previous);
        QCOMPARE(w.wins, 2);
        QCOMPARE(w.ties, 2);
        QCOMPARE(w.losses, 1);
        QCOMPARE(w.prompts(), 5);
        QCOMPARE(w.rate().value_or(-1.0), (2.0 + 2.0 / 2.0) / 5.0); // 0.6
        const auto reverse = eval::winRate(previous, current);
        QCOMPARE(reverse.wins, 1);
        QCOMPARE(reverse.losses, 2);
        QCOMPARE(reverse.rate().value_or(-1.0), 1.0 - 0.6); // the two rates add up to one
    }

    void extremesAndNothingInCommon()
    {
        const std::vector<store::EvalAnswerRecord> good{answer(1, "12", 1.0, true), answer(2, "5", 1.0, true)};
        const std::vector<store::EvalAnswerRecord> bad{answer(1, "1", 0.0, false), answer(2, "2", 0.0, false)};
        QCOMPARE(eval::winRate(good, bad).rate().value_or(-1.0), 1.0);
        QCOMPARE(eval::winRate(bad, good).rate().value_or(-1.0), 0.0);
        QCOMPARE(eval::winRate(good, good).rate().value_or(-1.0), 0.5);
        const auto none = eval::winRate(good, {answer(3, "7", 1.0, true)});
        QCOMPARE(none.prompts(), 0);
        QVERIFY(!none.rate()); // no win rate rather than a made-up 0 or 0.5
        QVERIFY(!eval::winRate({}, {}).rate());
    }

    void badRowsAreRefused()
    {
        const std::vector<store::EvalAnswerRecord> twice{answer(4, "a", 0.5), answer(4, "b", 0.6)};
        RLRF_VERIFY_THROWS_WITH(eval::winRate(twice, {answer(4, "c", 0.1)}),
                                "'prompt_id': win rate: the current model's answer to prompt 4 appears twice");
        RLRF_VERIFY_THROWS_WITH(eval::winRate({answer(4, "c", 0.1)}, twice), "previous model's answer to prompt 4");
        const std::vector<store::EvalAnswerRecord> nan{answer(9, "a", std::numeric_limits<double>::quiet_NaN())};
        RLRF_VERIFY_THROWS_WITH(eval::winRate(nan, {answer(9, "b", 0.5)}),
                                "'overall': win rate: the current model's answer to prompt 9 has a non-finite");
    }
};

QTEST_GUILESS_MAIN(TestWinRate)
#include "tst_win_rate.moc"
