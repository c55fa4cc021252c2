// SPDX-License-Identifier: GPL-3.0-or-later
// The Reflect-Retry-Reward loss reaches only reflection tokens. On the real
// stories260K model (shared/data/models/stories260K, converted here), training
// rows are laid out as the loop lays them out (layOutRow: reflection prompt,
// reflection, then the retry conversation and the retry) and the GRPO loss with
// the reflection mask is differentiated with respect to the logits: the
// gradient must be non-zero at every position that predicts a reflection token
// and exactly zero at every other position (prompt, failed attempt, retry,
// padding). Then the trainer's own backward pass (train::grpoBackward) must give
// the same parameter gradient whether or not the retry is in the row. And a few
// optimizer steps on those gradients make the rewarded reflection likelier and
// the unrewarded one less likely: the update goes the way the reward says.
#include "pipeline/rrr/reflection_rows.h"
#include "train/grpo_step.h"
#include "train/grpo_trainer.h"

#include "common/stories_fixture.h"
#include "model/llama_model.h"
#include "model/policy_prompt.h"
#include "model/text_model.h"

#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <limits>
#include <optional>

using namespace rlrf;

namespace {

std::vector<std::int64_t> concat(std::vector<std::int64_t> a, const std::vector<std::int64_t> &b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// A copy of every parameter's gradient (zeros where there is none).
std::vector<torch::Tensor> gradientCopies(model::LlamaModelImpl &net)
{
    std::vector<torch::Tensor> grads;
    for (const auto &p : net.parameters())
        grads.push_back(p.grad().defined() ? p.grad().clone() : torch::zeros_like(p));
    return grads;
}

// The largest gradient entry of `a`, and the largest difference between `a` and `b`.
std::pair<double, double> largestAndDifference(const std::vector<torch::Tensor> &a, const std::vector<torch::Tensor> &b)
{
    double largest = 0.0, diff = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        largest = std::max(largest, a[i].abs().max().item<double>());
        diff = std::max(diff, (a[i] - b[i]).abs().max().item<double>());
    }
    return {largest, diff};
}

} // namespace

class TestReflectionGradient : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::optional<model::TextModel> m_model;
    std::vector<rrr::ReflectionTry> m_tries;

    // A row as reflectAndRetry builds it, from real text through the real tokenizer.
    rrr::ReflectionTry makeTry(const std::string &prompt, const std::string &attempt, const std::string &reflection,
                               const std::string &retry)
    {
        const auto context = model::policyPromptIds(*m_model, prompts::reflectionMessages(prompt, attempt));
        const auto reflectionIds = m_model->encode(reflection);
        // The retry conversation continues the reflection conversation, as a chat
        // template renders it: the reflection, the retry request, the new turn.
        const auto retryPrompt = concat(concat(context, reflectionIds),
                                        m_model->encode(std::string("\nUser: ") + prompts::kRetryRequest + "\nAssistant:"));
        rrr::ReflectionTry item;
        rrr::layOutRow(item, context, reflectionIds, retryPrompt, m_model->encode(retry));
        return item;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_model = model::TextModel::load(test::convertStories260K(m_dir.filePath(QStringLiteral("model"))));
        m_tries.push_back(makeTry("Tom has 3 apples and gets 2 more. How many apples does Tom have?",
                                  "Tom has 6 apples.", " I added wrong: 3 and 2 make 5.", " Tom has 5 apples."));
        m_tries.push_back(makeTry("Lily had a red ball.", "The ball was blue.",
                                  " The story said the ball was red, not blue. I must read the story again carefully.",
                                  " The ball was red."));
    }

    void rowsCarryTheRetryAfterTheReflection()
    {
        for (const auto &t : m_tries) {
            QVERIFY(t.reflectionLength > 3);
            QVERIFY(t.completion.size() > t.reflectionLength + 5); // retry request and retry follow
        }
        // A retry conversation that does not continue the reflection's gives a row
        // that stops after the reflection.
        rrr::ReflectionTry item;
        rrr::layOutRow(item, {1, 2, 3}, {4, 5}, {1, 2, 9, 4, 5}, {6});
        QCOMPARE(item.completion, (std::vector<std::int64_t>{4, 5}));
        QCOMPARE(item.reflectionLength, std::size_t{2});
    }

    void lossGradientReachesOnlyReflectionPositions()
    {
        auto &net = m_model->policy().module();
        const auto batch = static_cast<std::int64_t>(m_tries.size());
        std::int64_t total = 0, columns = 0;
        for (const auto &t : m_tries) {
            total = std::max<std::int64_t>(total, static_cast<std::int64_t>(t.context.size() + t.completion.size()));
            columns = std::max<std::int64_t>(columns, static_cast<std::int64_t>(t.completion.size()));
        }
        auto ids = torch::zeros({batch, total}, torch::kInt64); // right padding with id 0
        for (std::int64_t b = 0; b < batch; ++b) {
            const auto row = concat(m_tries[b].context, m_tries[b].completion);
            ids[b].narrow(0, 0, static_cast<std::int64_t>(row.size())).copy_(torch::tensor(row, torch::kInt64));
        }
        auto logits = net.forward(ids); // [B,T,V]
        logits.retain_grad();
        const auto logSoftmax = torch::log_softmax(logits, -1);
        auto logProbs = torch::zeros({batch, columns});
        auto real = torch::zeros({batch, columns}, torch::kBool);
        std::vector<std::size_t> lengths;
        for (std::int64_t b = 0; b < batch; ++b) {
            const auto &t = m_tries[b];
            const auto p = static_cast<std::int64_t>(t.context.size());
            for (std::size_t j = 0; j < t.completion.size(); ++j) {
                const auto at = static_cast<std::int64_t>(j);
                logProbs.index_put_({b, at}, logSoftmax.index({b, p - 1 + at, t.completion[j]}));
                real.index_put_({b, at}, true);
            }
            lengths.push_back(t.reflectionLength);
        }
        const auto mask = train::lossPrefixMask(lengths, columns) & real;
        const auto old = logProbs.detach() + 0.05;   // ratio inside the clip range
        const auto ref = logProbs.detach() - 0.3;    // a non-zero KL term
        const auto out = train::grpoLoss({logProbs, old, ref, torch::tensor({1.0f, -0.7f}), mask}, {0.001, 0.2});
        out.loss.backward();
        const auto perPosition = logits.grad().abs().sum(-1); // [B,T]
        for (std::int64_t b = 0; b < batch; ++b) {
            const auto &t = m_tries[b];
            const auto first = static_cast<std::int64_t>(t.context.size()) - 1; // predicts the first reflection token
            const auto last = first + static_cast<std::int64_t>(t.reflectionLength);
            for (std::int64_t pos = 0; pos < total; ++pos) {
                const double g = perPosition[b][pos].item<double>();
                const bool reflection = pos >= first && pos < last;
                QVERIFY2(reflection ? g > 0.0 : g == 0.0,
                         qPrintable(QStringLiteral("row %1 position %2 (reflection predicted at %3..%4): gradient %5")
                                        .arg(b).arg(pos).arg(first).arg(last - 1).arg(g)));
            }
        }
    }

    void trainerBackwardIgnoresTheRetry()
    {
        auto &net = m_model->policy().module();
        std::vector<rrr::ReflectionGroup> withRetry(1), withoutRetry(1);
        withRetry[0].tries = m_tries;
        withoutRetry[0].tries = m_tries;
        for (auto &t : withoutRetry[0].tries)
            t.completion.resize(t.reflectionLength);
        const std::vector<std::vector<double>> advantages = {{1.0, -0.7}};
        auto gradients = [&net, &advantages](const std::vector<rrr::ReflectionGroup> &groups) {
            const auto rows = rrr::reflectionRows(groups, advantages, true);
            const auto old = train::rowLogProbs(net, rows, 16);
            auto ref = old;
            for (auto &row : ref)
                for (auto &v : row)
                    v -= 0.2f;
            net.zero_grad();
            const auto sums = train::grpoBackward(net, rows, old, ref, {0.001, 0.2}, 1); // one row per chunk
            return std::make_pair(sums, gradientCopies(net));
        };
        const auto [sumsA, a] = gradients(withRetry);
        const auto [sumsB, b] = gradients(withoutRetry);
        QVERIFY(sumsA.finite && sumsB.finite);
        QVERIFY(sumsA.tokens > sumsB.tokens); // the retry went through the model
        // Equal up to float32 rounding (the rows differ in length, so the padded
        // old log-probs and the attention sums are computed in other orders).
        const auto [largest, diff] = largestAndDifference(a, b);
        QVERIFY(largest > 0.0);
        QVERIFY2(diff < 1e-4 * largest,
                 qPrintable(QStringLiteral("largest gradient difference %1 of %2").arg(diff).arg(largest)));
        // Flat groups (all advantages 0) are left out of the rows.
        QCOMPARE(rrr::reflectionRows(withRetry, {{0.0, 0.0}}, true).prompts.size(), std::size_t{0});
        QCOMPARE(rrr::reflectionRows(withRetry, {{0.0, 0.0}}, false).prompts.size(), std::size_t{2});
    }

    // On a CPU the trainer splits each chunk's rows into shards that run side by
    // side (sharded_backward.h): the same sums and, up to float rounding, the
    // same gradient as one pass over the chunk. A NaN in the second shard stops
    // the call with no gradient added.
    void shardedBackwardMatchesOnePass()
    {
        auto &net = m_model->policy().module();
        std::vector<rrr::ReflectionGroup> groups(1);
        groups[0].tries = m_tries;
        auto rows = rrr::reflectionRows(groups, {{1.0, -0.7}}, true);
        const auto old = train::rowLogProbs(net, rows, 16);
        auto ref = old;
        for (auto &row : ref)
            for (auto &v : row)
                v -= 0.2f;
        auto gradients = [&](std::size_t shards) {
            net.zero_grad();
            const auto sums = train::grpoBackward(net, rows, old, ref, {0.001, 0.2}, 16, shards);
            return std::make_pair(sums, gradientCopies(net));
        };
        const auto [one, a] = gradients(1);
        const auto [two, b] = gradients(2);
        QVERIFY(one.finite && two.finite);
        QCOMPARE(two.rows, one.rows);
        QCOMPARE(two.tokens, one.tokens);
        QVERIFY2(std::abs(two.loss - one.loss) <= 1e-6 * std::max(1.0, std::abs(one.loss)),
                 qPrintable(QStringLiteral("loss %1 against %2").arg(two.loss).arg(one.loss)));
        QVERIFY2(std::abs(two.kl - one.kl) <= 1e-6, qPrintable(QStringLiteral("kl %1 against %2").arg(two.kl).arg(one.kl)));
        const auto [largest, diff] = largestAndDifference(a, b);
        QVERIFY(largest > 0.0);
        QVERIFY2(diff < 1e-5 * largest,
                 qPrintable(QStringLiteral("largest gradient difference %1 of %2").arg(diff).arg(largest)));

        rows.advantages[1] = std::numeric_limits<double>::quiet_NaN();
        net.zero_grad();
        const auto stopped = train::grpoBackward(net, rows, old, ref, {0.001, 0.2}, 16, 2);
        QVERIFY(!stopped.finite);
        QVERIFY(std::isnan(stopped.loss));
        for (const auto &p : net.parameters())
            QVERIFY2(!p.grad().defined() || p.grad().abs().max().item<double>() == 0.0,
                     "a stopped call added a gradient");
    }

    // A row whose advantage is not a number makes the loss NaN; an absurdly large
    // one overflows the gradient norm. Either way the trainer takes no step and
    // says which step stopped and why; the weights stay as they were.
    void nonFiniteValuesStopTheTrainerWithoutAStep()
    {
        auto copy = model::TextModel::load(m_dir.filePath(QStringLiteral("model")).toStdString());
        auto &net = copy.policy().module();
        std::vector<torch::Tensor> before;
        for (const auto &p : net.parameters())
            before.push_back(p.detach().clone());
        std::vector<rrr::ReflectionGroup> groups(1);
        groups[0].tries = m_tries;
        train::GrpoSettings settings;
        settings.learningRate = 1e-3;
        settings.totalSteps = 4;
        train::GrpoTrainer trainer(copy, copy, settings);

        auto rows = rrr::reflectionRows(groups, {{1.0, -1.0}}, true);
        rows.advantages[1] = std::numeric_limits<double>::quiet_NaN();
        trainer.setBatch(rows);
        auto out = trainer.update(2);
        QVERIFY(!out.finite);
        QVERIFY2(out.message.rfind("step 3: the loss is ", 0) == 0, out.message.c_str());
        QVERIFY2(out.message.find("nan; training stopped") != std::string::npos, out.message.c_str());

        rows.advantages = {1e30, -1e30};
        trainer.setBatch(rows);
        out = trainer.update(3);
        QVERIFY(!out.finite);
        QVERIFY2(out.message == "step 4: the gradient norm is inf; training stopped", out.message.c_str());

        const auto after = net.parameters();
        for (std::size_t i = 0; i < before.size(); ++i)
            QVERIFY2(torch::equal(before[i], after[i]), "a stopped step changed the weights");
    }

    // Last: it trains a fresh copy of the model, leaving the shared one as it is.
    void stepsRaiseTheRewardedReflection()
    {
        auto copy = model::TextModel::load(m_dir.filePath(QStringLiteral("model")).toStdString());
        auto &net = copy.policy().module();
        std::vector<rrr::ReflectionGroup> groups(1);
        groups[0].tries = m_tries;
        const auto rows = rrr::reflectionRows(groups, {{1.0, -1.0}}, true); // the first retry passed
        auto reflectionLogProb = [&](std::size_t row) {
            torch::NoGradGuard noGrad;
            const auto all = train::rowLogProbs(net, rows, 16);
            double sum = 0.0;
            for (std::size_t j = 0; j < rows.lossLengths[row]; ++j)
                sum += all[row][j];
            return sum;
        };
        const double rewardedBefore = reflectionLogProb(0), otherBefore = reflectionLogProb(1);
        const auto reference = train::rowLogProbs(net, rows, 16);
        torch::optim::AdamW optimizer(net.parameters(), torch::optim::AdamWOptions(1e-3).weight_decay(0.0));
        for (int step = 0; step < 4; ++step) {
            const auto old = train::rowLogProbs(net, rows, 16); // on-policy: one update per sampling
            optimizer.zero_grad();
            QVERIFY(train::grpoBackward(net, rows, old, reference, {0.001, 0.2}, 16).finite);
            optimizer.step();
        }
        const double rewardedAfter = reflectionLogProb(0), otherAfter = reflectionLogProb(1);
        QVERIFY2(rewardedAfter > rewardedBefore + 0.1,
                 qPrintable(QStringLiteral("rewarded: %1 -> %2").arg(rewardedBefore).arg(rewardedAfter)));
        QVERIFY2(otherAfter < otherBefore - 0.1,
                 qPrintable(QStringLiteral("unrewarded: %1 -> %2").arg(otherBefore).arg(otherAfter)));
    }
};

QTEST_GUILESS_MAIN(TestReflectionGradient)
#include "tst_reflection_gradient.moc"
