// SPDX-License-Identifier: GPL-3.0-or-later
// The GRPO loss (train/grpo_loss.h) against values derived by hand from the
// formula (Shao et al. 2024, eq. 3; k3 KL, Schulman 2020): unclipped and clipped
// ratios with both signs of advantage, the KL term, per-row averaging, and that
// tokens outside the mask change neither the loss nor get a gradient, even when
// they hold inf. Tolerance 1e-6 (float32).
#include "train/grpo_loss.h"

#include "common/error_assert.h"

#include <torch/torch.h>

#include <QtTest/QtTest>

#include <cmath>

using rlrf::train::GrpoLossInputs;
using rlrf::train::grpoLoss;

namespace {

torch::Tensor row(std::vector<float> values)
{
    return torch::tensor(values, torch::kFloat32).unsqueeze(0);
}

void near(double actual, double expected, const char *what)
{
    QVERIFY2(std::abs(actual - expected) < 1e-6,
             qPrintable(QStringLiteral("%1: %2 vs %3").arg(QLatin1String(what)).arg(actual).arg(expected)));
}

} // namespace

class TestGrpoLoss : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void ratioOneIsTheAdvantageWeightedLogLikelihood()
    {
        // Ratio 1, A = 2, two tokens in the mask: per-token loss -2, mean -2;
        // d loss / d logp = -A / tokens = -1 in the mask, 0 outside.
        auto logp = row({std::log(0.5f), std::log(0.25f), -3.0f}).requires_grad_(true);
        GrpoLossInputs in{logp, logp.detach().clone(), {}, torch::tensor({2.0f}),
                          torch::tensor({true, true, false}).unsqueeze(0)};
        const auto out = grpoLoss(in, {0.0, 0.2});
        near(out.loss.item<double>(), -2.0, "loss");
        out.loss.backward();
        near(logp.grad()[0][0].item<double>(), -1.0, "grad 0");
        near(logp.grad()[0][1].item<double>(), -1.0, "grad 1");
        QCOMPARE(logp.grad()[0][2].item<double>(), 0.0);
        near(out.ratioMean, 1.0, "ratio");
        near(out.clipFraction, 0.0, "clip fraction");
    }

    void clippingStopsTheGradientOnlyWhereItShould()
    {
        // Ratio 1.5, eps 0.2. A = +1: min(1.5, 1.2) = 1.2 -> loss -1.2, no gradient.
        // A = -1: min(-1.5, -1.2) = -1.5 -> loss 1.5, gradient -A * ratio = 1.5.
        for (const double a : {1.0, -1.0}) {
            auto logp = row({std::log(0.3f) + std::log(1.5f)}).requires_grad_(true);
            GrpoLossInputs in{logp, row({std::log(0.3f)}), {}, torch::tensor({static_cast<float>(a)}),
                              torch::tensor({true}).unsqueeze(0)};
            const auto out = grpoLoss(in, {0.0, 0.2});
            near(out.loss.item<double>(), a > 0 ? -1.2 : 1.5, "loss");
            out.loss.backward();
            near(logp.grad()[0][0].item<double>(), a > 0 ? 0.0 : 1.5, "grad");
            near(out.clipFraction, 1.0, "clip fraction");
        }
    }

    void klIsTheK3Estimate()
    {
        // ref - logp = ln 2 on every token: k3 = 2 - ln 2 - 1; with A = 0 the loss is beta * k3.
        auto logp = row({std::log(0.2f), std::log(0.1f)}).requires_grad_(true);
        const auto ref = logp.detach() + std::log(2.0f);
        GrpoLossInputs in{logp, logp.detach().clone(), ref, torch::tensor({0.0f}),
                          torch::tensor({true, true}).unsqueeze(0)};
        const auto out = grpoLoss(in, {0.5, 0.2});
        const double k3 = 1.0 - std::log(2.0);
        near(out.kl, k3, "kl");
        near(out.loss.item<double>(), 0.5 * k3, "loss");
        out.loss.backward();
        // d/dp [exp(r - p) - (r - p) - 1] = 1 - exp(r - p) = -1, times beta / tokens.
        near(logp.grad()[0][0].item<double>(), 0.5 * -1.0 / 2.0, "grad");
    }

    void rowsAreAveragedOverTheirOwnTokens()
    {
        // Row 0: two tokens, A = 1 -> -1; row 1: one token, A = -1 -> +1; mean 0.
        auto logp = torch::tensor({{-1.0f, -2.0f}, {-0.5f, 0.0f}}).requires_grad_(true);
        GrpoLossInputs in{logp, logp.detach().clone(), {}, torch::tensor({1.0f, -1.0f}),
                          torch::tensor({{true, true}, {true, false}})};
        const auto out = grpoLoss(in, {0.0, 0.2});
        near(out.loss.item<double>(), 0.0, "loss");
        out.loss.backward();
        near(logp.grad()[0][0].item<double>(), -0.25, "row 0");
        near(logp.grad()[1][0].item<double>(), 0.5, "row 1");
        QCOMPARE(logp.grad()[1][1].item<double>(), 0.0);
    }

    void valuesOutsideTheMaskDoNotMatter()
    {
        const float inf = std::numeric_limits<float>::infinity();
        auto logp = row({-1.0f, -inf}).requires_grad_(true);
        GrpoLossInputs in{logp, row({-1.2f, 0.0f}), row({-0.9f, inf}), torch::tensor({0.7f}),
                          torch::tensor({true, false}).unsqueeze(0)};
        const auto out = grpoLoss(in, {0.001, 0.2});
        QVERIFY(std::isfinite(out.loss.item<double>()));
        out.loss.backward();
        QVERIFY(std::isfinite(logp.grad()[0][0].item<double>()));
        QCOMPARE(logp.grad()[0][1].item<double>(), 0.0);
        auto single = row({-1.0f}).requires_grad_(true);
        const auto alone = grpoLoss({single, row({-1.2f}), row({-0.9f}), torch::tensor({0.7f}),
                                     torch::tensor({true}).unsqueeze(0)},
                                    {0.001, 0.2});
        near(out.loss.item<double>(), alone.loss.item<double>(), "same loss without the masked token");
    }

    void shapeMismatchIsAnError()
    {
        auto logp = row({-1.0f, -2.0f});
        RLRF_VERIFY_THROWS_WITH(grpoLoss({logp, row({-1.0f}), logp, torch::tensor({1.0f}),
                                          torch::tensor({true, true}).unsqueeze(0)},
                                         {0.001, 0.2}),
                                "must all be [B,C]");
        RLRF_VERIFY_THROWS_WITH(grpoLoss({logp, logp, logp, torch::tensor({1.0f, 2.0f}),
                                          torch::tensor({true, true}).unsqueeze(0)},
                                         {0.001, 0.2}),
                                "advantages");
    }
};

QTEST_GUILESS_MAIN(TestGrpoLoss)
#include "tst_grpo_loss.moc"
