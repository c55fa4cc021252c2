// The sampler on hand-made distributions: top-p keeps the smallest most-probable set
// reaching p, top-k the k largest, temperature reshapes the softmax, and draws from a
// seed repeat. Frequencies are checked against the exact probabilities (4,000 draws:
// a 3.5-sigma bound of 0.03 on each frequency).
#include <torch/torch.h>

#include "core/error.h"
#include "model/sampler.h"

#include <QtTest/QtTest>

#include <cmath>

using namespace rlrf::model;

namespace {

// Probabilities 0.05, 0.5, 0.15, 0.3 in a deliberately unsorted order.
torch::Tensor handMadeLogits()
{
    return torch::log(torch::tensor({0.05, 0.5, 0.15, 0.3}, torch::kFloat32)).unsqueeze(0);
}

std::vector<bool> kept(const torch::Tensor &filtered)
{
    std::vector<bool> out;
    for (std::int64_t i = 0; i < filtered.size(1); ++i)
        out.push_back(std::isfinite(filtered[0][i].item<float>()));
    return out;
}

std::vector<double> frequencies(Sampler &sampler, const torch::Tensor &logits, int draws)
{
    std::vector<double> counts(size_t(logits.size(1)), 0.0);
    const auto batch = logits.expand({draws, logits.size(1)});
    const auto ids = sampler.next(batch);
    for (int i = 0; i < draws; ++i)
        counts[size_t(ids[i].item<std::int64_t>())] += 1.0 / draws;
    return counts;
}

} // namespace

class TestSampler : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void topPKeepsTheSmallestSetReachingP()
    {
        const auto logits = handMadeLogits();
        QCOMPARE(kept(topPFilter(logits, 0.4)), (std::vector<bool>{false, true, false, false}));
        QCOMPARE(kept(topPFilter(logits, 0.75)), (std::vector<bool>{false, true, false, true}));
        QCOMPARE(kept(topPFilter(logits, 0.85)), (std::vector<bool>{false, true, true, true}));
        QCOMPARE(kept(topPFilter(logits, 0.99)), (std::vector<bool>{true, true, true, true}));
        QCOMPARE(kept(topPFilter(logits, 0.01)), (std::vector<bool>{false, true, false, false}));
    }

    void topKKeepsTheKLargest()
    {
        const auto logits = handMadeLogits();
        QCOMPARE(kept(topKFilter(logits, 2)), (std::vector<bool>{false, true, false, true}));
        QCOMPARE(kept(topKFilter(logits, 3)), (std::vector<bool>{false, true, true, true}));
        QCOMPARE(kept(topKFilter(logits, 0)), (std::vector<bool>{true, true, true, true}));
    }

    void drawsFollowTheFilteredDistribution()
    {
        Sampler sampler(SamplingOptions{1.0, 0, 0.75}, 42);
        const auto f = frequencies(sampler, handMadeLogits(), 4000);
        QCOMPARE(f[0] + f[2], 0.0);
        QVERIFY2(std::abs(f[1] - 0.5 / 0.8) < 0.03, qPrintable(QString::number(f[1])));
        QVERIFY2(std::abs(f[3] - 0.3 / 0.8) < 0.03, qPrintable(QString::number(f[3])));
    }

    void temperatureReshapesTheDistribution()
    {
        Sampler sampler(SamplingOptions{2.0, 0, 1.0}, 7);
        const auto f = frequencies(sampler, handMadeLogits(), 4000);
        // p_i^(1/2) normalised
        const double norm = std::sqrt(0.05) + std::sqrt(0.5) + std::sqrt(0.15) + std::sqrt(0.3);
        const double expected[4] = {std::sqrt(0.05) / norm, std::sqrt(0.5) / norm, std::sqrt(0.15) / norm,
                                    std::sqrt(0.3) / norm};
        for (int i = 0; i < 4; ++i)
            QVERIFY2(std::abs(f[size_t(i)] - expected[i]) < 0.03, qPrintable(QString::number(f[size_t(i)])));
    }

    void sameSeedSameDraws()
    {
        const auto logits = torch::randn({16, 100});
        Sampler a(SamplingOptions{1.0, 50, 0.95}, 2024), b(SamplingOptions{1.0, 50, 0.95}, 2024);
        Sampler c(SamplingOptions{1.0, 50, 0.95}, 2025);
        bool differs = false;
        for (int step = 0; step < 5; ++step) {
            const auto x = a.next(logits);
            QVERIFY(torch::equal(x, b.next(logits)));
            differs = differs || !torch::equal(x, c.next(logits));
        }
        QVERIFY(differs);
    }

    void greedyAndTopKOneTakeTheArgmax()
    {
        const auto logits = torch::randn({8, 50});
        Sampler greedy(SamplingOptions{0.0, 0, 1.0}, 1), topOne(SamplingOptions{1.5, 1, 1.0}, 1);
        QVERIFY(torch::equal(greedy.next(logits), logits.argmax(-1)));
        QVERIFY(torch::equal(topOne.next(logits), logits.argmax(-1)));
    }

    void badOptionsNameTheField()
    {
        try {
            Sampler s(SamplingOptions{1.0, 0, 1.5}, 0);
            QFAIL("top_p 1.5 must be refused");
        } catch (const rlrf::Error &e) {
            QCOMPARE(e.source().field, std::string("top_p"));
        }
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, Sampler(SamplingOptions{-0.5, 0, 1.0}, 0));
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, Sampler(SamplingOptions{1.0, -1, 1.0}, 0));
    }
};

QTEST_GUILESS_MAIN(TestSampler)
#include "tst_sampler.moc"
