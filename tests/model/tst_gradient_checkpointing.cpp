// SPDX-License-Identifier: GPL-3.0-or-later
// Gradient checkpointing changes memory, not results: on the real stories260K
// model the loss and every gradient match the plain backward pass, for full
// fine-tuning and for a LoRA adapter with dropout (the recomputation draws the
// same dropout mask), and a model that generates is not affected.
#include <torch/torch.h>

#include "common/stories_fixture.h"
#include "model/llama_model.h"
#include "model/lora.h"
#include "model/policy.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <set>
#include <stdexcept>

using namespace rlrf;

namespace {

// Whether the autograd graph behind `root` has a node whose name contains `part`.
bool graphHas(const std::shared_ptr<torch::autograd::Node> &root, const std::string &part)
{
    std::vector<torch::autograd::Node *> stack{root.get()};
    std::set<torch::autograd::Node *> seen;
    while (!stack.empty()) {
        auto *node = stack.back();
        stack.pop_back();
        if (node == nullptr || !seen.insert(node).second)
            continue;
        if (node->name().find(part) != std::string::npos)
            return true;
        for (const auto &edge : node->next_edges())
            stack.push_back(edge.function.get());
    }
    return false;
}

// Mean next-token loss of a fixed batch of two rows; gradients accumulate.
// Checks that the graph is checkpointed exactly when asked for.
double lossAndBackward(model::LlamaModelImpl &m)
{
    const auto ids = torch::tensor({1, 403, 281, 266, 270, 13, 72, 9, 88, 120, 301, 44, 1, 500, 33, 7, 19, 260, 261,
                                    262, 99, 98, 12, 14},
                                   torch::kInt64)
                         .view({2, 12});
    const auto logits = m.forward(ids);
    const auto loss = torch::nn::functional::cross_entropy(
        logits.slice(1, 0, -1).reshape({-1, logits.size(-1)}), ids.slice(1, 1).reshape({-1}));
    if (graphHas(loss.grad_fn(), "CheckpointFunction") != m.gradientCheckpointing())
        throw std::runtime_error("the graph does not match the checkpointing setting");
    loss.backward();
    return loss.item<double>();
}

struct Grads {
    double loss = 0;
    std::vector<torch::Tensor> grads;
};

Grads run(model::Policy &policy, bool checkpointing, std::uint64_t seed)
{
    auto &m = policy.module();
    m.train();
    m.setGradientCheckpointing(checkpointing);
    const auto params = model::trainableParameters(m);
    for (const auto &p : params)
        if (p.grad().defined())
            p.mutable_grad().zero_();
    torch::manual_seed(static_cast<std::int64_t>(seed));
    Grads out;
    out.loss = lossAndBackward(m);
    for (const auto &p : params)
        out.grads.push_back(p.grad().clone());
    m.setGradientCheckpointing(false);
    return out;
}

void compare(const Grads &plain, const Grads &checkpointed)
{
    QCOMPARE(plain.grads.size(), checkpointed.grads.size());
    QVERIFY(std::abs(plain.loss - checkpointed.loss) < 1e-6);
    double largest = 0;
    for (std::size_t i = 0; i < plain.grads.size(); ++i) {
        QVERIFY2(plain.grads[i].defined() && checkpointed.grads[i].defined(), qPrintable(QString::number(i)));
        largest = std::max(largest, (plain.grads[i] - checkpointed.grads[i]).abs().max().item<double>());
        QVERIFY2(torch::allclose(plain.grads[i], checkpointed.grads[i], 1e-4, 1e-6),
                 qPrintable(QStringLiteral("parameter %1 differs by %2")
                                .arg(i)
                                .arg((plain.grads[i] - checkpointed.grads[i]).abs().max().item<double>())));
    }
    qInfo("largest gradient difference %.3g over %zu tensors", largest, plain.grads.size());
}

} // namespace

class TestGradientCheckpointing : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_base = test::convertStories260K(m_dir.filePath(QStringLiteral("base")));
    }

    void fullFineTuningGradientsMatch()
    {
        auto policy = model::Policy::load(m_base);
        const auto plain = run(policy, false, 1);
        const auto checkpointed = run(policy, true, 1);
        compare(plain, checkpointed);
        // The embeddings' gradient arrives through the checkpointed layers.
        QVERIFY(policy.module().model->embed_tokens->weight.grad().abs().sum().item<double>() > 0);
    }

    void loraWithDropoutGradientsMatch()
    {
        auto policy = model::Policy::load(m_base);
        train::LoraSettings lora;
        lora.rank = 4;
        lora.alpha = 8;
        lora.dropout = 0.2;
        policy.addLora(lora, 3);
        { // non-zero B, so A gets gradients too
            torch::NoGradGuard noGrad;
            for (auto &[name, t] : policy.module().lora->tensors)
                if (name.find("lora_B") != std::string::npos)
                    t.normal_(0.0, 0.05);
        }
        const auto plain = run(policy, false, 5);
        const auto checkpointed = run(policy, true, 5);
        compare(plain, checkpointed);
        // Another seed draws other masks: the comparison above is not vacuous.
        const auto other = run(policy, false, 6);
        QVERIFY(std::abs(other.loss - plain.loss) > 1e-6);
    }

    void generationIgnoresTheSetting()
    {
        auto policy = model::Policy::load(m_base);
        policy.module().eval();
        model::GenerationOptions options;
        options.maxNewTokens = 12;
        options.sampling.temperature = 0.0;
        const auto before = policy.generate({{1, 403, 281}}, options).sequences.at(0).tokens;
        policy.module().setGradientCheckpointing(true);
        QCOMPARE(policy.generate({{1, 403, 281}}, options).sequences.at(0).tokens, before);
    }

private:
    QTemporaryDir m_dir;
    std::string m_base;
};

QTEST_GUILESS_MAIN(TestGradientCheckpointing)
#include "tst_gradient_checkpointing.moc"
