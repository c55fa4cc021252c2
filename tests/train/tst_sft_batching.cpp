// SPDX-License-Identifier: GPL-3.0-or-later
// SFT batches and loss on the real stories260K decoder: the layout of inputs,
// targets and the answer-only loss mask for a hand-written example; the loss equals
// the mean answer-token NLL computed independently by completionLogProbs; prompt
// targets do not reach the loss and an all-prompt mask gives zero gradients; the
// optimizer leaves norms undecayed.
#include <torch/torch.h>

#include "common/error_assert.h"
#include "common/stories_fixture.h"
#include "model/llama_model.h"
#include "model/logprobs.h"
#include "model/policy.h"
#include "train/batching.h"
#include "train/optimizer_factory.h"

#include <QtTest/QtTest>

using namespace rlrf::train;

namespace {

const std::vector<SftExample> kExamples = {
    {{1, 403, 261, 280}, {395, 2}},           // prompt of 4, answer of 2
    {{1, 71}, {300, 301, 302, 2}},            // short prompt, longer answer
    {{1, 500, 20, 30, 40, 50}, {9}},          // longest prompt, one answer token
};

std::vector<std::int64_t> row(const torch::Tensor &t)
{
    const auto c = t.contiguous();
    return {c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + c.numel()};
}

std::vector<bool> boolRow(const torch::Tensor &t)
{
    std::vector<bool> out;
    for (std::int64_t i = 0; i < t.size(0); ++i)
        out.push_back(t[i].item<bool>());
    return out;
}

} // namespace

class TestSftBatching : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        torch::set_num_threads(1);
    }

    void batchLayoutShiftsTargetsAndMasksPrompts()
    {
        const auto b = makeSftBatch(kExamples, {0, 1}, 512, 512);
        QCOMPARE(b.inputIds.sizes().vec(), (std::vector<std::int64_t>{2, 5}));
        QCOMPARE(row(b.inputIds[0]), (std::vector<std::int64_t>{1, 403, 261, 280, 395}));
        QCOMPARE(row(b.targets[0]), (std::vector<std::int64_t>{403, 261, 280, 395, 2}));
        QCOMPARE(boolRow(b.lossMask[0]), (std::vector<bool>{false, false, false, true, true}));
        QCOMPARE(boolRow(b.keyMask[0]), (std::vector<bool>{true, true, true, true, true}));
        QCOMPARE(row(b.inputIds[1]), (std::vector<std::int64_t>{1, 71, 300, 301, 302}));
        QCOMPARE(row(b.targets[1]), (std::vector<std::int64_t>{71, 300, 301, 302, 2}));
        QCOMPARE(boolRow(b.lossMask[1]), (std::vector<bool>{false, true, true, true, true}));
        QCOMPARE(b.answerTokens, std::int64_t(6));
        const auto padded = makeSftBatch(kExamples, {2, 0}, 512, 512);
        QCOMPARE(boolRow(padded.keyMask[1]), (std::vector<bool>{true, true, true, true, true, false}));
        QCOMPARE(boolRow(padded.lossMask[1]), (std::vector<bool>{false, false, false, true, true, false}));
    }

    void lossIsMeanAnswerNllOfCompletionLogProbs()
    {
        torch::NoGradGuard noGrad;
        auto &module = m_policy.module();
        const auto b = makeSftBatch(kExamples, {0, 1, 2}, 512, 512);
        const double loss = (nllSum(answerLogits(module, b), answerTargets(b)) / b.answerTokens).item<double>();
        rlrf::model::TokenRows prompts, answers;
        for (const auto &e : kExamples) {
            prompts.push_back(e.promptIds);
            answers.push_back(e.answerIds);
        }
        const auto reference = rlrf::model::completionLogProbs(module, prompts, answers);
        const double expected = -reference.logProbs.sum().item<double>() / reference.mask.sum().item<double>();
        QVERIFY2(std::abs(loss - expected) < 1e-5, qPrintable(QString::number(loss) + " vs " + QString::number(expected)));
    }

    void promptTargetsDoNotChangeTheLoss()
    {
        torch::NoGradGuard noGrad;
        auto &module = m_policy.module();
        const auto b = makeSftBatch(kExamples, {0, 1, 2}, 512, 512);
        const auto logits = answerLogits(module, b);
        const auto before = nllSum(logits, answerTargets(b)).item<double>();
        // Every target outside the mask (prompt and padding) replaced by other ids.
        auto scrambled = b;
        scrambled.targets = torch::where(b.lossMask, b.targets, (b.targets * 7 + 13) % 512);
        QVERIFY(!torch::equal(scrambled.targets, b.targets));
        QCOMPARE(nllSum(answerLogits(module, scrambled), answerTargets(scrambled)).item<double>(), before);
        QCOMPARE(logits.size(0), b.answerTokens); // only the answer positions reach the LM head
        QVERIFY(before > 0.0);
    }

    void allPromptMaskGivesZeroGradient()
    {
        auto &module = m_policy.module();
        const auto b = makeSftBatch(kExamples, {0, 1, 2}, 512, 512);
        module.zero_grad();
        auto promptOnly = b;
        promptOnly.lossMask = torch::zeros_like(b.lossMask);
        const auto loss = nllSum(answerLogits(module, promptOnly), answerTargets(promptOnly));
        loss.backward();
        QCOMPARE(loss.item<double>(), 0.0);
        for (const auto &p : module.parameters())
            QVERIFY(!p.grad().defined() || p.grad().abs().max().item<double>() == 0.0);
        // And the real mask does produce a gradient, so the check above is not vacuous.
        module.zero_grad();
        nllSum(answerLogits(module, b), answerTargets(b)).backward();
        QVERIFY(module.named_parameters()["model.embed_tokens.weight"].grad().abs().max().item<double>() > 0.0);
        module.zero_grad();
    }

    void badExamplesNameTheExample()
    {
        std::vector<SftExample> bad = {{{1, 2}, {}}};
        RLRF_VERIFY_THROWS_WITH(makeSftBatch(bad, {0}, 512, 512), "example 0 has an empty answer");
        bad = {{{}, {3}}};
        RLRF_VERIFY_THROWS_WITH(makeSftBatch(bad, {0}, 512, 512), "example 0 has an empty prompt");
        bad = {{{1}, {3}}, {{1, 600}, {3}}};
        RLRF_VERIFY_THROWS_WITH(checkSftExamples(bad, 512, 512, "training example"),
                                "training example 1 has token id 600 outside the vocabulary of 512");
        bad = {{{1, 2, 3}, {4, 5}}};
        RLRF_VERIFY_THROWS_WITH(makeSftBatch(bad, {0}, 512, 4), "example 0 has 5 tokens, more than the model's 4");
        RLRF_VERIFY_THROWS_WITH(makeSftBatch(bad, {3}, 512, 512), "example index 3 outside the 1 examples");
    }

    void normsAndBiasesGetNoWeightDecay()
    {
        SftConfig config;
        config.weightDecay = 0.1;
        auto optimizer = makeAdamW(m_policy.module(), config);
        QCOMPARE(optimizer->param_groups().size(), size_t(2));
        const auto &decayed = static_cast<torch::optim::AdamWOptions &>(optimizer->param_groups()[0].options());
        const auto &plain = static_cast<torch::optim::AdamWOptions &>(optimizer->param_groups()[1].options());
        QCOMPARE(decayed.weight_decay(), 0.1);
        QCOMPARE(plain.weight_decay(), 0.0);
        // stories260K: 5 layers x 2 norms + the final norm are the only 1-D tensors.
        QCOMPARE(optimizer->param_groups()[1].params().size(), size_t(11));
        for (const auto &p : optimizer->param_groups()[1].params())
            QCOMPARE(p.dim(), std::int64_t(1));
        for (const auto &p : optimizer->param_groups()[0].params())
            QVERIFY(p.dim() >= 2);
    }

private:
    rlrf::model::Policy m_policy = rlrf::model::Policy::fromLlama2c(
        rlrf::test::stories260KFile(QStringLiteral("stories260K.bin")));
};

QTEST_GUILESS_MAIN(TestSftBatching)
#include "tst_sft_batching.moc"
