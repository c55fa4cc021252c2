// SPDX-License-Identifier: GPL-3.0-or-later
// Bad input never breaks a verifier or the rule judge: random text built from
// each reader's own alphabet (plus junk bytes), and canonical arith answers with
// random edits, must give an answer without throwing. For the judge it must
// also be a consistent one: ratings in range, reward equal to the verifier, and
// no number in any rationale except step and line positions. Inputs are drawn
// here from a fixed seed.
#include "tasks/arith/arith_rule_judge.h"
#include "tasks/arith/arith_task.h"
#include "tasks/bfcl/bfcl_verifier.h"
#include "tasks/countdown/countdown_verifier.h"
#include "tasks/gsm8k/gsm8k_verifier.h"
#include "tasks/split_mix.h"

#include <QtTest/QtTest>

using namespace rlrf::tasks;

namespace {

std::string randomText(SplitMix64 &rng, const std::string &alphabet, std::size_t maxLength)
{
    std::string s;
    const std::size_t n = rng.index(maxLength + 1);
    for (std::size_t i = 0; i < n; ++i)
        s += rng.index(20) == 0 ? static_cast<char>(rng.uniform(0, 255)) : alphabet[rng.index(alphabet.size())];
    return s;
}

// Deletes, inserts or replaces a few characters.
std::string edit(SplitMix64 &rng, std::string s)
{
    const std::string pieces = "0123456789+-*/= \nAnswer:x";
    const std::size_t edits = 1 + rng.index(3);
    for (std::size_t e = 0; e < edits; ++e) {
        const std::size_t at = s.empty() ? 0 : rng.index(s.size());
        const char c = pieces[rng.index(pieces.size())];
        switch (rng.index(3)) {
        case 0: if (!s.empty()) s.erase(at, 1); break;
        case 1: s.insert(s.begin() + static_cast<long>(at), c); break;
        default: if (!s.empty()) s[at] = c; break;
        }
    }
    return s;
}

} // namespace

class TestVerifierRobustness : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void ruleJudgeOnEditedAnswers()
    {
        const ArithTask task;
        SplitMix64 rng(77);
        const QRegularExpression positions(QStringLiteral("Step \\d+ \\(line \\d+\\)|line \\d+"));
        int rewarded = 0, total = 0;
        for (const auto &p : task.generate(Split::Train, 4000, 8)) {
            for (int k = 0; k < 5; ++k) {
                const std::string response = edit(rng, p.canonical());
                const auto c = rlrf::feedback::judgeArith(p, response);
                const Problem asked{"", p.prompt, std::to_string(p.answer()), p.canonical()};
                const bool correct = task.verify(asked, response).correct;
                QCOMPARE(c.reward, std::optional<double>(correct ? 1.0 : 0.0));
                QVERIFY(c.overall >= 0.0 && c.overall <= 1.0);
                for (const auto &a : c.aspects) {
                    QVERIFY(a.rating >= 0 && a.rating <= 3);
                    QString text = QString::fromStdString(a.rationale);
                    text.remove(positions);
                    QVERIFY2(!text.contains(QRegularExpression(QStringLiteral("\\d"))),
                             qPrintable(text + QStringLiteral("\n--- response:\n") + QString::fromStdString(response)));
                }
                rewarded += correct;
                ++total;
            }
        }
        qInfo("%d of %d edited answers still verify", rewarded, total);
    }

    void randomTextNeverThrows()
    {
        SplitMix64 rng(5);
        const CountdownProblem countdown{{30, 100, 93}, 23};
        const auto truth = nlohmann::json::parse("[{\"f\": {\"a\": [1, \"\"], \"b\": [[\"x\", {\"k\": [true]}]]}}]");
        for (int i = 0; i < 20000; ++i) {
            const std::string arith = randomText(rng, "0123456789+-*/= \nAnswer:", 60);
            const std::string expr = randomText(rng, "0123456789+-*/() =<answer>", 40);
            const std::string call = randomText(rng, "f(a=1, b=['x', {'k': True}])\"{}[]:.\\-e", 50);
            const std::string gsm = randomText(rng, "0123456789,.-#$ Answer:\n", 50);
            rlrf::feedback::judgeArith(ArithTask::problemFromPrompt(
                "Mia has 12 apples. She buys 5 more apples at the shop. How many apples does Mia have now?"), arith);
            verifyCountdown(countdown, expr);
            verifyCountdownEquation(countdown, expr, CountdownRules{true});
            verifyBfcl(call, truth);
            verifyGsm8k("18", gsm);
        }
        // Very long and deeply nested input.
        QVERIFY(!verifyCountdownEquation(countdown, std::string(100000, '(') + "1").correct);
        QVERIFY(!verifyBfcl("f(a=" + std::string(100000, '[') + ")", truth).correct);
        QVERIFY(!verifyCountdownEquation(countdown, "99999999999999 * 99999999999999 * 99999999999999").correct);
        QVERIFY(!verifyGsm8k("18", std::string(100000, '9')).correct);
    }
};

QTEST_GUILESS_MAIN(TestVerifierRobustness)
#include "tst_verifier_robustness.moc"
