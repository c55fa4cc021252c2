// SPDX-License-Identifier: GPL-3.0-or-later
// The DPO run flags: a first loss far from ln 2 (reference mismatch) and chosen and
// rejected log-probs falling together (likelihood displacement), on series written
// here by hand so each case is exactly the pattern named.
#include "eval/dpo_diagnostics.h"
#include "train/dpo_step_plan.h"

#include <QtTest/QtTest>

#include <cmath>
#include <set>

using namespace rlrf::eval;
using namespace rlrf::train;

class TestDpoDiagnostics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void aHealthyStartRaisesNothing()
    {
        const MetricSeries loss{{1, std::log(2.0) + 0.001}, {2, 0.6}, {3, 0.5}};
        const MetricSeries chosen{{1, -10}, {2, -9.5}, {3, -9.4}};
        const MetricSeries rejected{{1, -11}, {2, -12}, {3, -13}};
        QVERIFY(diagnoseDpo(loss, chosen, rejected).empty());
    }

    void aFirstLossFarFromLn2IsAReferenceMismatch()
    {
        const MetricSeries loss{{1, 1.4}, {2, 1.2}};
        const auto warnings = diagnoseDpo(loss, {}, {});
        QCOMPARE(warnings.size(), std::size_t(1));
        QCOMPARE(warnings[0].kind, std::string("reference_mismatch"));
        QCOMPARE(warnings[0].step, std::int64_t(1));
        QVERIFY(warnings[0].message.find("1.4000") != std::string::npos);
        // IPO and hinge do not start at ln 2.
        QVERIFY(diagnoseDpo(loss, {}, {}, "ipo").empty());
    }

    void bothLogProbsFallingIsLikelihoodDisplacement()
    {
        MetricSeries chosen, rejected;
        for (int step = 1; step <= 8; ++step) {
            chosen.push_back({step, -10.0 - 0.5 * step});
            rejected.push_back({step, -10.0 - 1.5 * step});
        }
        const auto warnings = diagnoseDpo({{1, std::log(2.0)}}, chosen, rejected);
        QCOMPARE(warnings.size(), std::size_t(1));
        QCOMPARE(warnings[0].kind, std::string("likelihood_displacement"));
        QCOMPARE(warnings[0].step, std::int64_t(8));
        // Chosen rising at the last step: no flag, even though rejected keeps falling.
        chosen.back().second = chosen[6].second + 0.1;
        QVERIFY(diagnoseDpo({}, chosen, rejected).empty());
        // Too few steps to judge a window.
        QVERIFY(diagnoseDpo({}, MetricSeries(chosen.begin(), chosen.begin() + 3),
                            MetricSeries(rejected.begin(), rejected.begin() + 3))
                    .empty());
    }

    void theStepPlanVisitsEveryPairOncePerEpoch()
    {
        DpoConfig config;
        config.batchSize = 2;
        config.gradientAccumulation = 2;
        config.epochs = 3;
        const auto steps = dpoStepPairs(config, 10);
        QCOMPARE(steps.size(), std::size_t(9)); // ceil(10 / 4) steps per epoch
        for (int epoch = 0; epoch < 3; ++epoch) {
            std::multiset<std::size_t> seen;
            for (int s = 0; s < 3; ++s)
                for (const auto index : steps[static_cast<std::size_t>(epoch * 3 + s)])
                    seen.insert(index);
            QCOMPARE(seen.size(), std::size_t(10));
            QCOMPARE(std::set<std::size_t>(seen.begin(), seen.end()).size(), std::size_t(10));
        }
        QCOMPARE(steps[2].size(), std::size_t(2)); // the short last step of an epoch
        QVERIFY(steps[0] != steps[3]);              // each epoch is shuffled anew
        QCOMPARE(dpoStepPairs(config, 10), steps);  // and deterministically
    }
};

QTEST_GUILESS_MAIN(TestDpoDiagnostics)
#include "tst_dpo_diagnostics.moc"
