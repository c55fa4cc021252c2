// The preference losses, the learning-rate schedule and GRPO advantages against
// direct computations written out here in double precision.
#include <torch/torch.h>

#include "core/error.h"
#include "train/dpo_loss.h"
#include "train/grpo_advantages.h"
#include "train/lr_schedule.h"

#include <QtTest/QtTest>

#include <cmath>

using namespace rlrf::train;

namespace {

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

struct Pair { double pc, pr, rc, rr; };
const Pair kPairs[] = {{-12.5, -14.0, -13.0, -13.5}, {-3.0, -2.0, -3.5, -2.25}, {-40.0, -41.0, -40.0, -41.0}};

torch::Tensor column(int which, bool grad = false)
{
    std::vector<double> v;
    for (const auto &p : kPairs)
        v.push_back(which == 0 ? p.pc : which == 1 ? p.pr : which == 2 ? p.rc : p.rr);
    return torch::tensor(v, torch::dtype(torch::kDouble).requires_grad(grad));
}

} // namespace

class TestLossFunctions : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sigmoidLossIsLn2WhenPolicyEqualsReference()
    {
        const auto logps = torch::tensor({-10.0, -20.0, -5.5}, torch::kDouble);
        const auto out = preferenceLoss(logps, logps - 1.0, logps, logps - 1.0, {PreferenceLoss::Sigmoid, 0.1, 0.0});
        QVERIFY(torch::allclose(out.losses, torch::full({3}, std::log(2.0), torch::kDouble)));
        QCOMPARE(out.chosenRewards.abs().max().item<double>(), 0.0);
    }

    void lossesAndGradientsMatchDirectComputation_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<double>("beta");
        QTest::addColumn<double>("smoothing");
        QTest::newRow("sigmoid beta 0.1") << int(PreferenceLoss::Sigmoid) << 0.1 << 0.0;
        QTest::newRow("sigmoid beta 0.5 smoothed") << int(PreferenceLoss::Sigmoid) << 0.5 << 0.1;
        QTest::newRow("ipo beta 0.1") << int(PreferenceLoss::Ipo) << 0.1 << 0.0;
        QTest::newRow("hinge beta 0.5") << int(PreferenceLoss::Hinge) << 0.5 << 0.0;
        QTest::newRow("apo_zero beta 0.5") << int(PreferenceLoss::ApoZero) << 0.5 << 0.0;
        QTest::newRow("apo_down beta 0.1") << int(PreferenceLoss::ApoDown) << 0.1 << 0.0;
    }

    void lossesAndGradientsMatchDirectComputation()
    {
        QFETCH(int, type);
        QFETCH(double, beta);
        QFETCH(double, smoothing);
        auto pc = column(0, true);
        auto pr = column(1, true);
        const auto out = preferenceLoss(pc, pr, column(2), column(3), {PreferenceLoss(type), beta, smoothing});
        out.losses.sum().backward();
        int i = 0;
        for (const auto &p : kPairs) {
            const double h = (p.pc - p.rc) - (p.pr - p.rr);
            double loss = 0, dh = 0; // dloss/dh
            // The anchored losses are not functions of h alone: their gradients
            // by the chosen and the rejected log-prob, written out.
            double dpc = 0, dpr = 0;
            const double c = p.pc - p.rc, r = p.pr - p.rr;
            switch (PreferenceLoss(type)) {
            case PreferenceLoss::Sigmoid:
                loss = -(1 - smoothing) * std::log(sigmoid(beta * h)) - smoothing * std::log(sigmoid(-beta * h));
                dh = -(1 - smoothing) * beta * sigmoid(-beta * h) + smoothing * beta * sigmoid(beta * h);
                break;
            case PreferenceLoss::Ipo:
                loss = std::pow(h - 1 / (2 * beta), 2);
                dh = 2 * (h - 1 / (2 * beta));
                break;
            case PreferenceLoss::Hinge:
                loss = std::max(0.0, 1 - beta * h);
                dh = 1 - beta * h > 0 ? -beta : 0.0;
                break;
            case PreferenceLoss::ApoZero:
                loss = (1 - sigmoid(beta * c)) + sigmoid(beta * r);
                dpc = -beta * sigmoid(beta * c) * (1 - sigmoid(beta * c));
                dpr = beta * sigmoid(beta * r) * (1 - sigmoid(beta * r));
                break;
            case PreferenceLoss::ApoDown:
                loss = sigmoid(beta * c) + (1 - sigmoid(beta * h));
                dh = -beta * sigmoid(beta * h) * (1 - sigmoid(beta * h));
                dpc = beta * sigmoid(beta * c) * (1 - sigmoid(beta * c)) + dh;
                dpr = -dh;
                break;
            }
            QVERIFY(std::abs(out.losses[i].item<double>() - loss) < 1e-12);
            const bool anchored = PreferenceLoss(type) == PreferenceLoss::ApoZero || PreferenceLoss(type) == PreferenceLoss::ApoDown;
            if (!anchored) {
                dpc = dh;  // dh/dpc = 1
                dpr = -dh; // dh/dpr = -1
            }
            QVERIFY(std::abs(pc.grad()[i].item<double>() - dpc) < 1e-12);
            QVERIFY(std::abs(pr.grad()[i].item<double>() - dpr) < 1e-12);
            QVERIFY(std::abs(out.chosenRewards[i].item<double>() - beta * (p.pc - p.rc)) < 1e-12);
            QVERIFY(std::abs(out.rejectedRewards[i].item<double>() - beta * (p.pr - p.rr)) < 1e-12);
            ++i;
        }
    }

    void badLossSettingsAreNamed()
    {
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, preferenceLossFromString("kto"));
        const auto x = torch::zeros({1});
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, preferenceLoss(x, x, x, x, {PreferenceLoss::Sigmoid, 0.0, 0.0}));
    }

    void warmupThenCosine()
    {
        ScheduleConfig c{1e-4, ScheduleKind::Cosine, 10, 110, 0.1};
        QCOMPARE(learningRateAt(c, 0), 1e-5);
        QCOMPARE(learningRateAt(c, 9), 1e-4);
        QCOMPARE(learningRateAt(c, 10), 1e-4);
        QVERIFY(std::abs(learningRateAt(c, 60) - (1e-5 + 0.9e-4 * 0.5)) < 1e-15); // half way
        QVERIFY(std::abs(learningRateAt(c, 110) - 1e-5) < 1e-15);
        QVERIFY(std::abs(learningRateAt(c, 500) - 1e-5) < 1e-15); // stays at the floor
        ScheduleConfig linear{2.0, ScheduleKind::Linear, 0, 4, 0.0};
        QCOMPARE(learningRateAt(linear, 1), 1.5);
        QCOMPARE(warmupStepsFromRatio(0.03, 100), std::int64_t(3));
        QCOMPARE(warmupStepsFromRatio(0.03, 10), std::int64_t(1));
    }

    void groupAdvantagesNormalise()
    {
        const auto a = groupAdvantages({1, 0, 0, 1, 1, 0, 0, 0});
        QCOMPARE(a.mean, 0.375);
        const double sd = std::sqrt((3 * 0.625 * 0.625 + 5 * 0.375 * 0.375) / 7.0);
        QVERIFY(std::abs(a.stddev - sd) < 1e-12);
        QVERIFY(std::abs(a.advantages[0] - 0.625 / (sd + 1e-4)) < 1e-12);
        QVERIFY(!a.zeroSpread);
        const auto flat = groupAdvantages({1, 1, 1, 1});
        QVERIFY(flat.zeroSpread);
        QCOMPARE(flat.advantages, std::vector<double>(4, 0.0));
    }
};

QTEST_GUILESS_MAIN(TestLossFunctions)
#include "tst_loss_functions.moc"
