// SPDX-License-Identifier: GPL-3.0-or-later
// The pair rules on hand-made rated pools: every expected pair below is worked
// out by hand from the scores and ratings written here.
#include "common/error_assert.h"

#include "pipeline/pairs/pair_rules.h"
#include "pipeline/pairs/pair_stage.h"
#include "pipeline/refine/refine_stage.h"

#include <QtTest/QtTest>

using namespace rlrf;
using pipeline::PairProposal;
using pipeline::RatedCandidate;

namespace {

RatedCandidate rated(std::int64_t id, double overall, std::vector<int> ratings = {},
                     std::optional<std::int64_t> parent = std::nullopt)
{
    static const char *const names[] = {"Factuality", "Logical Correctness", "Completeness", "Readability"};
    RatedCandidate c;
    c.candidateId = id;
    c.critiqueId = 100 + id;
    c.overall = overall;
    c.parentCandidateId = parent;
    for (std::size_t i = 0; i < ratings.size(); ++i)
        c.aspects.push_back({names[i], ratings[i], ""});
    return c;
}

pipeline::PairRuleOptions rules(std::vector<std::string> names, double delta = 0.25, std::size_t maxPairs = 10)
{
    return {std::move(names), delta, maxPairs};
}

QString describe(const std::vector<PairProposal> &pairs)
{
    QStringList parts;
    for (const auto &p : pairs)
        parts << QStringLiteral("%1>%2:%3").arg(p.chosenCandidateId).arg(p.rejectedCandidateId).arg(QString::fromStdString(p.rule));
    return parts.join(QLatin1Char(' '));
}

} // namespace

class TestPairRules : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // With verified chosen answers, a pair needs a chosen answer the verifier
    // accepts and a rejected one it fails; two wrong answers make no pair.
    void verifiedChosenKeepsOnlyRightOverWrong()
    {
        auto withReward = [](RatedCandidate c, double reward) { c.reward = reward; return c; };
        const std::vector<RatedCandidate> mixed = {withReward(rated(1, 0.9), 0.0), withReward(rated(2, 1.0), 1.0),
                                                   withReward(rated(3, 0.7), 0.0),
                                                   withReward(rated(4, 1.0, {}, 1), 1.0)};
        auto options = rules({"best_worst", "refined_vs_original"}, 0.05);
        options.verifiedChosen = true;
        QCOMPARE(describe(pipeline::proposePairs(mixed, options)),
                 QStringLiteral("2>3:best_worst 4>1:refined_vs_original"));
        const std::vector<RatedCandidate> allWrong = {withReward(rated(1, 0.9), 0.0), withReward(rated(2, 0.7), 0.0)};
        QVERIFY(pipeline::proposePairs(allWrong, options).empty());
        // Without a verifier there is no reward to check: the pairs are the rules' own.
        const std::vector<RatedCandidate> unverified = {rated(1, 0.9), rated(2, 0.7)};
        QCOMPARE(describe(pipeline::proposePairs(unverified, options)), QStringLiteral("1>2:best_worst"));
        options.verifiedChosen = false;
        QCOMPARE(describe(pipeline::proposePairs(allWrong, options)), QStringLiteral("1>2:best_worst"));
    }

    void bestWorstNeedsTheGap()
    {
        const std::vector<RatedCandidate> pool = {rated(1, 0.5), rated(2, 1.0), rated(3, 0.25), rated(4, 0.75)};
        const auto pairs = pipeline::proposePairs(pool, rules({"best_worst"}));
        QCOMPARE(describe(pairs), QStringLiteral("2>3:best_worst"));
        QCOMPARE(pairs[0].gap, 0.75);
        QCOMPARE(pairs[0].chosenCritiqueId, 102);
        QCOMPARE(pairs[0].rejectedCritiqueId, 103);
        // A gap of exactly delta is kept; one below is not.
        QCOMPARE(pipeline::proposePairs(pool, rules({"best_worst"}, 0.75)).size(), std::size_t(1));
        QVERIFY(pipeline::proposePairs(pool, rules({"best_worst"}, 0.76)).empty());
    }

    void equalScoresMakeNoPair()
    {
        const std::vector<RatedCandidate> pool = {rated(1, 0.5), rated(2, 0.5), rated(3, 0.5)};
        QVERIFY(pipeline::proposePairs(pool, rules({"best_worst"}, 0.0)).empty());
        QVERIFY(pipeline::proposePairs(pool, rules({"all_above_delta"}, 0.0)).empty());
        QVERIFY(pipeline::proposePairs({rated(1, 1.0)}, rules({"best_worst"}, 0.0)).empty());
    }

    void tiesGoToTheEarlierCandidate()
    {
        const std::vector<RatedCandidate> pool = {rated(7, 0.0), rated(8, 1.0), rated(9, 1.0), rated(10, 0.0)};
        QCOMPARE(describe(pipeline::proposePairs(pool, rules({"best_worst"}))), QStringLiteral("8>7:best_worst"));
    }

    void refinedAgainstItsOriginal()
    {
        // 1 was refined into 5 (0.75) and 6 (1.0): the best refinement is paired.
        // 2 was refined into 7, which is only 0.125 better: below delta.
        // 3 was refined into 8, which got worse: never chosen over its original.
        const std::vector<RatedCandidate> pool = {rated(1, 0.25), rated(2, 0.5),        rated(3, 0.75),
                                                  rated(5, 0.75, {}, 1), rated(6, 1.0, {}, 1), rated(7, 0.625, {}, 2),
                                                  rated(8, 0.25, {}, 3)};
        const auto pairs = pipeline::proposePairs(pool, rules({"refined_vs_original"}));
        QCOMPARE(describe(pairs), QStringLiteral("6>1:refined_vs_original"));
        QCOMPARE(pairs[0].gap, 0.75);
    }

    void allAboveDeltaLargestGapFirstAndCapped()
    {
        const std::vector<RatedCandidate> pool = {rated(1, 0.0), rated(2, 0.5), rated(3, 1.0), rated(4, 0.9)};
        // Gaps >= 0.4: 3>1 (1.0), 4>1 (0.9), 3>2 (0.5), 2>1 (0.5), 4>2 (0.4).
        const auto all = pipeline::proposePairs(pool, rules({"all_above_delta"}, 0.4));
        QCOMPARE(describe(all), QStringLiteral("3>1:all_above_delta 4>1:all_above_delta 2>1:all_above_delta "
                                               "3>2:all_above_delta 4>2:all_above_delta"));
        const auto capped = pipeline::proposePairs(pool, rules({"all_above_delta"}, 0.4, 2));
        QCOMPARE(describe(capped), QStringLiteral("3>1:all_above_delta 4>1:all_above_delta"));
    }

    void paretoDominance()
    {
        const auto a = rated(1, 0.75, {3, 3, 2, 0});
        const auto b = rated(2, 0.5, {3, 2, 2, 3});  // worse than a on one aspect, equal on the others a rates
        const auto c = rated(3, 0.6, {2, 3, 3, 3});  // better than b on two, worse on one: neither dominates
        const auto d = rated(4, 0.5, {0, 0, 0, 0});  // nothing applicable: compares with no one
        QVERIFY(pipeline::paretoDominates(a, b));
        QVERIFY(!pipeline::paretoDominates(b, a));
        QVERIFY(!pipeline::paretoDominates(c, b));
        QVERIFY(!pipeline::paretoDominates(b, c));
        QVERIFY(!pipeline::paretoDominates(a, a));
        QVERIFY(!pipeline::paretoDominates(a, d));
        // a vs c: a is better on Factuality but worse on Completeness.
        QVERIFY(!pipeline::paretoDominates(a, c));
        const auto pairs = pipeline::proposePairs({a, b, c, d}, rules({"pareto"}));
        QCOMPARE(describe(pairs), QStringLiteral("1>2:pareto"));
    }

    void rulesCombineWithoutRepeatsUpToTheCap()
    {
        const std::vector<RatedCandidate> pool = {rated(1, 0.0), rated(2, 1.0, {}, 1), rated(3, 0.5)};
        // best_worst gives 2>1; refined_vs_original gives 2>1 again (dropped); all_above_delta adds 2>3, 3>1.
        const auto pairs = pipeline::proposePairs(pool, rules({"best_worst", "refined_vs_original", "all_above_delta"}));
        QCOMPARE(describe(pairs), QStringLiteral("2>1:best_worst 2>3:all_above_delta 3>1:all_above_delta"));
        const auto two = pipeline::proposePairs(pool, rules({"best_worst", "all_above_delta"}, 0.25, 2));
        QCOMPARE(describe(two), QStringLiteral("2>1:best_worst 2>3:all_above_delta"));
    }

    void unknownRuleIsAnError()
    {
        RLRF_VERIFY_THROWS_WITH(pipeline::proposePairs({rated(1, 0.0), rated(2, 1.0)}, rules({"longest"})),
                                "unknown pair rule 'longest'");
    }

    void rewardOnlyRanksSamplesBestAgainstWorst()
    {
        pipeline::PipelineOptions options;
        options.pairRules = {"pareto", "refined_vs_original"};
        options.mode = pipeline::PipelineMode::RewardOnly;
        QCOMPARE(pipeline::pairRuleOptions(options).rules, std::vector<std::string>{"best_worst"});
        options.mode = pipeline::PipelineMode::Rlrf;
        QCOMPARE(pipeline::pairRuleOptions(options).rules, options.pairRules);
    }

    // The baseline ranks by the verifier's reward, not by the aspect-made overall
    // score: it cannot tell a right answer reached through a wrong step (2) from a
    // fully right one (3), and takes the first of the equals.
    void rewardOnlyRanksByTheScalarReward()
    {
        auto judged = [](std::int64_t id, double overall, std::optional<double> reward) {
            RatedCandidate c{id, id, std::nullopt, overall, reward, {{"Logical Correctness", 2, "line 1"}}};
            return c;
        };
        const std::vector<RatedCandidate> raw = {judged(1, 0.9, 0.0), judged(2, 0.6, 1.0), judged(3, 1.0, 1.0),
                                                 judged(4, 0.5, std::nullopt)};
        std::vector<RatedCandidate> rlrf, baseline;
        for (const auto &c : raw) {
            rlrf.push_back(pipeline::rankedFor(pipeline::PipelineMode::Rlrf, c));
            baseline.push_back(pipeline::rankedFor(pipeline::PipelineMode::RewardOnly, c));
        }
        QCOMPARE(rlrf[1].overall, 0.6);
        QCOMPARE(rlrf[1].aspects.size(), std::size_t(1));
        QCOMPARE(baseline[0].overall, 0.0);
        QCOMPARE(baseline[1].overall, 1.0);
        QVERIFY(baseline[1].aspects.empty());
        QCOMPARE(baseline[3].overall, 0.5); // no reward: the overall score stands
        const std::vector<RatedCandidate> rewarded(baseline.begin(), baseline.begin() + 3);
        const std::vector<RatedCandidate> scored(rlrf.begin(), rlrf.begin() + 3);
        QCOMPARE(describe(pipeline::proposePairs(scored, rules({"best_worst"}))), QStringLiteral("3>2:best_worst"));
        QCOMPARE(describe(pipeline::proposePairs(rewarded, rules({"best_worst"}))), QStringLiteral("2>1:best_worst"));
    }

    void selectionForRefinement()
    {
        auto critique = [](std::int64_t id, double overall, int worst, bool parsed = true) {
            store::CritiqueRecord r;
            r.id = id;
            r.candidateId = id;
            r.critique.overall = overall;
            r.critique.aspects = {{"Factuality", 3, "ok"}, {"Logical Correctness", worst, "step 2 is wrong"}};
            if (!parsed) {
                r.critique.parseStatus = feedback::ParseStatus::Failed;
                r.critique.parseError = "no JSON";
            }
            return r;
        };
        // 1 is perfect (nothing to refine), 4 did not parse: left out. 2 and 3 are
        // imperfect; 3 scores higher, so with k = 1 only 3 is refined.
        const std::vector<store::CritiqueRecord> all = {critique(1, 1.0, 3), critique(2, 0.25, 1), critique(3, 0.75, 2),
                                                        critique(4, 0.9, 2, false)};
        const auto one = pipeline::selectForRefinement(all, 1);
        QCOMPARE(one.size(), std::size_t(1));
        QCOMPARE(one[0].id, 3);
        const auto three = pipeline::selectForRefinement(all, 3);
        QCOMPARE(three.size(), std::size_t(2));
        QCOMPARE(three[1].id, 2);
    }
};

QTEST_GUILESS_MAIN(TestPairRules)
#include "tst_pair_rules.moc"
