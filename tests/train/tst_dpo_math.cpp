// SPDX-License-Identifier: GPL-3.0-or-later
// The DPO step against a direct computation on the real stories260K model: the first
// step's loss is ln 2 when the policy is the reference, and one micro-step's loss
// and parameter gradients equal autograd of the loss written out here (sequence
// log-probs from log_softmax over each unpadded sequence's full forward, in double).
#include <torch/torch.h>

#include "common/stories_fixture.h"
#include "model/llama_model.h"
#include "model/policy.h"
#include "train/dpo_trainer.h"
#include "train/dpo_trainer_step.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>

using namespace rlrf;
using namespace rlrf::train;

namespace {

std::vector<DpoPair> fixedPairs()
{
    return {{{1, 403, 261}, {281, 266, 500, 13}, {307, 42, 9}},
            {{1, 72}, {9, 88, 120, 301, 2}, {44}},
            {{1, 500, 33, 7, 19}, {2}, {260, 261, 262, 263, 2}}};
}

// log p(completion | prompt) from one unpadded forward, in double.
torch::Tensor directSequenceLogProb(model::LlamaModelImpl &model, const std::vector<std::int64_t> &prompt,
                                    const std::vector<std::int64_t> &completion)
{
    std::vector<std::int64_t> all = prompt;
    all.insert(all.end(), completion.begin(), completion.end());
    const auto logits = model.forward(torch::tensor(all, torch::kInt64).unsqueeze(0)).squeeze(0); // [T,V]
    const auto logSoftmax = torch::log_softmax(logits.to(torch::kDouble), -1);
    auto total = torch::zeros({}, torch::kDouble);
    for (size_t j = 0; j < completion.size(); ++j)
        total = total + logSoftmax[static_cast<std::int64_t>(prompt.size() + j - 1)][completion[j]];
    return total;
}

double directLoss(const std::string &type, double beta, double h)
{
    if (type == "sigmoid")
        return std::log1p(std::exp(-beta * h));
    if (type == "ipo")
        return std::pow(h - 1.0 / (2.0 * beta), 2);
    return std::max(0.0, 1.0 - beta * h);
}

} // namespace

class TestDpoMath : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_model = test::convertStories260K(m_dir.filePath(QStringLiteral("model")));
    }

    void firstStepLossIsLn2WhenPolicyIsReference()
    {
        DpoConfig config;
        config.learningRate = 1e-3;
        config.batchSize = 3;
        config.epochs = 2;
        std::map<std::int64_t, double> losses, margins;
        RunContext context;
        context.onMetric = [&](std::int64_t step, const std::string &key, double value) {
            if (key == "dpo/loss")
                losses[step] = value;
            if (key == "dpo/rewards/margins")
                margins[step] = value;
        };
        const auto result = runDpo(config, m_model, {}, fixedPairs(), m_dir.filePath(QStringLiteral("ln2")).toStdString(),
                                   context);
        QCOMPARE(toString(result.outcome), "succeeded");
        QCOMPARE(result.steps, std::int64_t(2));
        QVERIFY2(std::abs(losses.at(1) - std::log(2.0)) < 1e-6, qPrintable(QString::number(losses.at(1), 'g', 12)));
        QVERIFY(std::abs(margins.at(1)) < 1e-5);
        QVERIFY(losses.at(2) < losses.at(1)); // the first update moved toward chosen
    }

    void stepMatchesDirectComputation_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<double>("nllWeight");
        QTest::addColumn<int>("shards");
        QTest::newRow("sigmoid") << QStringLiteral("sigmoid") << 0.0 << 1;
        QTest::newRow("sigmoid+nll") << QStringLiteral("sigmoid") << 0.3 << 1;
        QTest::newRow("ipo") << QStringLiteral("ipo") << 0.0 << 1;
        QTest::newRow("hinge") << QStringLiteral("hinge") << 0.0 << 1;
        // The pairs split over threads (sharded_backward.h): the same loss and
        // gradient, the NLL term still over the whole micro-batch's chosen tokens.
        QTest::newRow("sigmoid+nll, 2 shards") << QStringLiteral("sigmoid") << 0.3 << 2;
        QTest::newRow("ipo, 3 shards") << QStringLiteral("ipo") << 0.0 << 3;
    }

    void stepMatchesDirectComputation()
    {
        QFETCH(QString, type);
        QFETCH(double, nllWeight);
        QFETCH(int, shards);
        const double beta = 0.5;
        const auto pairs = fixedPairs();
        const auto reference = model::Policy::load(m_model);
        const auto policy = model::Policy::load(m_model);
        auto &net = policy.module();
        {
            torch::NoGradGuard noGrad;
            torch::manual_seed(7);
            for (auto &p : net.parameters())
                p.add_(torch::randn_like(p) * 0.02); // policy != reference, so h != 0
        }
        DpoMicroBatch batch;
        std::vector<double> refC, refR;
        for (const auto &pair : pairs) {
            torch::NoGradGuard noGrad;
            batch.pairs.push_back(&pair);
            refC.push_back(directSequenceLogProb(reference.module(), pair.prompt, pair.chosen).item<double>());
            refR.push_back(directSequenceLogProb(reference.module(), pair.prompt, pair.rejected).item<double>());
        }
        batch.referenceChosen = refC;
        batch.referenceRejected = refR;

        DpoStepOptions options;
        options.loss = {preferenceLossFromString(type.toStdString()), beta, 0.0};
        options.nllWeight = nllWeight;
        options.shards = static_cast<std::size_t>(shards);
        net.zero_grad();
        const auto sums = dpoMicroStep(net, batch, options);
        std::vector<torch::Tensor> stepGrads;
        for (auto &p : net.parameters())
            stepGrads.push_back(p.grad().clone());
        net.zero_grad();

        auto loss = torch::zeros({}, torch::kDouble);
        auto chosenLogProb = torch::zeros({}, torch::kDouble);
        double chosenTokens = 0;
        double expected = 0;
        for (size_t i = 0; i < pairs.size(); ++i) {
            const auto pc = directSequenceLogProb(net, pairs[i].prompt, pairs[i].chosen);
            const auto pr = directSequenceLogProb(net, pairs[i].prompt, pairs[i].rejected);
            const auto h = (pc - refC[i]) - (pr - refR[i]);
            if (type == QStringLiteral("sigmoid"))
                loss = loss - torch::log_sigmoid(beta * h);
            else if (type == QStringLiteral("ipo"))
                loss = loss + (h - 1.0 / (2.0 * beta)).pow(2);
            else
                loss = loss + torch::relu(1.0 - beta * h);
            expected += directLoss(type.toStdString(), beta, h.item<double>());
            chosenLogProb = chosenLogProb + pc;
            chosenTokens += static_cast<double>(pairs[i].chosen.size());
        }
        const double n = static_cast<double>(pairs.size());
        loss = loss / n + nllWeight * (-chosenLogProb / chosenTokens);
        expected = expected / n - nllWeight * chosenLogProb.item<double>() / chosenTokens;
        QVERIFY2(std::abs(loss.item<double>() - expected) < 1e-9, "the written-out loss disagrees with itself");
        QVERIFY2(std::abs(sums.loss / n - expected) < 2e-5 * std::max(1.0, std::abs(expected)),
                 qPrintable(QStringLiteral("step %1 direct %2").arg(sums.loss / n).arg(expected)));
        loss.backward();

        double worst = 0, scale = 0;
        size_t k = 0;
        for (auto &p : net.parameters()) {
            const auto direct = p.grad().to(torch::kDouble);
            worst = std::max(worst, (stepGrads[k++].to(torch::kDouble) - direct).abs().max().item<double>());
            scale = std::max(scale, direct.abs().max().item<double>());
        }
        QVERIFY2(scale > 1e-4, "the direct gradient vanished; the comparison would be empty");
        QVERIFY2(worst <= 1e-4 * scale, qPrintable(QStringLiteral("max |Δgrad| %1, max |grad| %2").arg(worst).arg(scale)));
    }

private:
    QTemporaryDir m_dir;
    std::string m_model;
};

QTEST_GUILESS_MAIN(TestDpoMath)
#include "tst_dpo_math.moc"
