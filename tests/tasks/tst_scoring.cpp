// SPDX-License-Identifier: GPL-3.0-or-later
// Overall scores from known ratings, worked out by hand in the comments: the
// mapping (r - 1) / 2, weights, not-applicable aspects, and bad input.
#include "types/scoring.h"

#include "core/error.h"

#include <QtTest/QtTest>

using namespace rlrf::feedback;

namespace {

Rubric rubric(std::vector<std::pair<std::string, double>> weights)
{
    Rubric r;
    r.name = "test";
    for (auto &[name, w] : weights)
        r.aspects.push_back(RubricAspect{name, {}, {}, w, true});
    return r;
}

} // namespace

class TestScoring : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void equalWeights()
    {
        // 3 -> 1, 2 -> 0.5, 1 -> 0; the 0 (not applicable) is left out: 1.5 / 3.
        const std::vector<AspectRating> r{{"A", 3, ""}, {"B", 2, ""}, {"C", 1, ""}, {"D", 0, ""}};
        QCOMPARE(*overallScore(r), 0.5);
        QCOMPARE(*overallScore({{"A", 3, ""}}), 1.0);
        QCOMPARE(*overallScore({{"A", 1, ""}, {"B", 1, ""}}), 0.0);
    }

    void rubricWeights()
    {
        // (2 * 1 + 1 * 0.5 + 1 * 0) / (2 + 1 + 1) = 0.625
        const std::vector<AspectRating> r{{"A", 3, ""}, {"B", 2, ""}, {"C", 1, ""}};
        QCOMPARE(*overallScore(r, rubric({{"A", 2.0}, {"B", 1.0}, {"C", 1.0}})), 0.625);
        // A weight of 0 removes an aspect: (1 * 0.5 + 1 * 0) / 2 = 0.25
        QCOMPARE(*overallScore(r, rubric({{"A", 0.0}, {"B", 1.0}, {"C", 1.0}})), 0.25);
    }

    void rubricCanSwitchAnAspectOff()
    {
        Rubric rb = rubric({{"A", 1.0}, {"B", 1.0}});
        rb.aspects[1].applies = false;
        QCOMPARE(*overallScore({{"A", 3, ""}, {"B", 1, ""}}, rb), 1.0);
    }

    void nothingApplicableHasNoScore()
    {
        QVERIFY(!overallScore({{"A", 0, ""}, {"B", 0, ""}}).has_value());
        QVERIFY(!overallScore({}).has_value());
        QVERIFY(!overallScore({{"A", 3, ""}}, rubric({{"A", 0.0}})).has_value());
    }

    void badInputNamesTheAspect()
    {
        try {
            overallScore({{"A", 3, ""}, {"Clarity", 4, ""}});
            QFAIL("rating 4 must throw");
        } catch (const rlrf::Error &e) {
            QCOMPARE(e.source().field, std::string("Clarity"));
        }
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, overallScore({{"A", -1, ""}}));
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, overallScore({{"Z", 2, ""}}, rubric({{"A", 1.0}})));
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, overallScore({{"A", 2, ""}}, rubric({{"A", -1.0}})));
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, overallScore({{"A", 2, ""}}, rubric({{"A", std::nan("")}})));
    }
};

QTEST_GUILESS_MAIN(TestScoring)
#include "tst_scoring.moc"
