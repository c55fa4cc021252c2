// The fused training kernels (model/training_kernels.h) against the op chains
// they replace, written out here in float64: values and gradients of RMSNorm,
// the rotation of queries and keys, SwiGLU and attention's masked softmax
// (padding, causal masks, a query with no allowed key), then the whole decoder's
// parameter gradients in float32 (the kernels) against float64 (the op chains),
// and the RMSNorm weight gradient bit for bit at one and two threads.
#include <torch/torch.h>

#include "model/llama_model.h"
#include "model/training_kernels.h"

#include <QtTest/QtTest>

#include <cmath>
#include <limits>

using namespace rlrf::model;

namespace {

const auto kF64 = torch::TensorOptions().dtype(torch::kFloat64);

double relativeError(const torch::Tensor &got, const torch::Tensor &want)
{
    const auto g = got.to(torch::kFloat64), w = want.to(torch::kFloat64);
    return (g - w).abs().max().item<double>() / std::max(w.abs().max().item<double>(), 1e-12);
}

// float32 leaves copied from float64 ones, for the kernel side.
torch::Tensor leaf32(const torch::Tensor &x) { return x.to(torch::kFloat32).detach().requires_grad_(true); }
torch::Tensor leaf64(const torch::Tensor &x) { return x.detach().clone().requires_grad_(true); }

std::vector<torch::Tensor> gradsOf(const torch::Tensor &out, const torch::Tensor &upstream,
                                   const std::vector<torch::Tensor> &inputs)
{
    return torch::autograd::grad({out}, inputs, {upstream.to(out.scalar_type())});
}

torch::Tensor rotateHalf(const torch::Tensor &x)
{
    const auto half = x.size(-1) / 2;
    return torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

ModelConfig tinyConfig(bool qkNorm)
{
    ModelConfig c;
    c.modelType = qkNorm ? "qwen3" : "llama";
    c.vocabSize = 37;
    c.hiddenSize = 32;
    c.intermediateSize = 40;
    c.numLayers = 2;
    c.numHeads = 4;
    c.numKvHeads = 2;
    c.headDim = 8;
    c.qkNorm = qkNorm;
    c.rmsNormEps = 1e-5;
    return c;
}

} // namespace

class TestTrainingKernels : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { torch::manual_seed(11); }

    void rmsNormMatchesOpChain()
    {
        torch::AutoGradMode grad(true);
        const auto x = torch::randn({3, 5, 32}, kF64) * 2.0;
        const auto w = 1.0 + 0.3 * torch::randn({32}, kF64);
        const auto up = torch::randn({3, 5, 32}, kF64);
        const double eps = 1e-5;
        auto x32 = leaf32(x), w32 = leaf32(w);
        QVERIFY(trainingKernelsApply(x32));
        const auto y32 = rmsNormTraining(x32, w32, eps);
        auto x64 = leaf64(x), w64 = leaf64(w);
        const auto y64 = w64 * (x64 * torch::rsqrt(x64.pow(2).mean(-1, true) + eps));
        QVERIFY2(relativeError(y32, y64) < 1e-6, "values");
        const auto g32 = gradsOf(y32, up, {x32, w32});
        const auto g64 = gradsOf(y64, up, {x64, w64});
        QVERIFY2(relativeError(g32[0], g64[0]) < 1e-5, qPrintable(QString::number(relativeError(g32[0], g64[0]))));
        QVERIFY2(relativeError(g32[1], g64[1]) < 1e-5, qPrintable(QString::number(relativeError(g32[1], g64[1]))));
    }

    // A frozen weight (LoRA) gets no gradient and its input still does.
    void rmsNormFrozenWeight()
    {
        torch::AutoGradMode grad(true);
        auto x = torch::randn({4, 16}).requires_grad_(true);
        const auto w = torch::ones({16});
        const auto y = rmsNormTraining(x, w, 1e-6);
        y.sum().backward();
        QVERIFY(x.grad().defined());
        QVERIFY(!w.grad().defined());
    }

    // The weight's gradient is summed in fixed chunks of rows: the same bits at
    // one thread and at two.
    void rmsNormWeightGradientIndependentOfThreads()
    {
        torch::AutoGradMode grad(true);
        const auto x = torch::randn({700, 64});
        const auto up = torch::randn({700, 64});
        auto run = [&](int threads) {
            at::set_num_threads(threads);
            auto w = torch::ones({64}).requires_grad_(true);
            auto xl = x.clone().requires_grad_(true);
            const auto y = rmsNormTraining(xl, w, 1e-5);
            return gradsOf(y, up, {w})[0];
        };
        const auto one = run(1), two = run(2);
        at::set_num_threads(1);
        QVERIFY(torch::equal(one, two));
    }

    void rotationMatchesOpChain_data()
    {
        QTest::addColumn<bool>("sharedTables");
        QTest::addColumn<double>("scale");
        QTest::newRow("per-row tables, query scale") << false << 1.0 / std::sqrt(8.0);
        QTest::newRow("one row's tables, no scale") << true << 1.0;
    }

    void rotationMatchesOpChain()
    {
        QFETCH(bool, sharedTables);
        QFETCH(double, scale);
        torch::AutoGradMode grad(true);
        const std::int64_t b = 2, t = 5, n = 3, k = 8;
        // [B,T,N,K] as attention sees it: a view of a [B,T,N*K] projection.
        const auto projection = torch::randn({b, t, n * k}, kF64);
        const auto positions = sharedTables ? torch::arange(t, kF64).unsqueeze(0)
                                            : torch::arange(t, kF64).unsqueeze(0) + torch::tensor({{0.0}, {3.0}}, kF64);
        const auto invFreq = 1.0 / torch::pow(10000.0, torch::arange(0, k, 2, kF64) / double(k));
        const auto angles = positions.unsqueeze(-1) * invFreq;
        const auto both = torch::cat({angles, angles}, -1); // [B or 1,T,K]
        const auto cos = both.cos(), sin = both.sin();
        const auto up = torch::randn({b, n, t, k}, kF64);

        auto p32 = leaf32(projection);
        const auto y32 = rotateHeadsTraining(p32.view({b, t, n, k}), cos.to(torch::kFloat32), sin.to(torch::kFloat32),
                                             scale);
        QCOMPARE(y32.sizes(), (torch::IntArrayRef{b, n, t, k}));
        QVERIFY(y32.is_contiguous());
        auto p64 = leaf64(projection);
        const auto x64 = p64.view({b, t, n, k}).transpose(1, 2);
        const auto y64 = (x64 * cos.unsqueeze(1) + rotateHalf(x64) * sin.unsqueeze(1)) * scale;
        QVERIFY2(relativeError(y32, y64) < 1e-6, "values");
        const auto g32 = gradsOf(y32, up, {p32})[0];
        const auto g64 = gradsOf(y64, up, {p64})[0];
        QVERIFY2(relativeError(g32, g64) < 1e-6, qPrintable(QString::number(relativeError(g32, g64))));
    }

    void swigluMatchesOpChain()
    {
        torch::AutoGradMode grad(true);
        // Wide gates: fastExp's clamp and both tails of the sigmoid.
        auto gate = torch::randn({4, 7, 40}, kF64) * 4.0;
        gate.index_put_({0, 0, 0}, 95.0);
        gate.index_put_({0, 0, 1}, -95.0);
        const auto upIn = torch::randn({4, 7, 40}, kF64);
        const auto upstream = torch::randn({4, 7, 40}, kF64);
        auto g32 = leaf32(gate), u32 = leaf32(upIn);
        const auto y32 = swigluTraining(g32, u32);
        auto g64 = leaf64(gate), u64 = leaf64(upIn);
        const auto y64 = torch::silu(g64) * u64;
        QVERIFY2(relativeError(y32, y64) < 1e-6, qPrintable(QString::number(relativeError(y32, y64))));
        const auto d32 = gradsOf(y32, upstream, {g32, u32});
        const auto d64 = gradsOf(y64, upstream, {g64, u64});
        QVERIFY2(relativeError(d32[0], d64[0]) < 1e-6, qPrintable(QString::number(relativeError(d32[0], d64[0]))));
        QVERIFY2(relativeError(d32[1], d64[1]) < 1e-6, qPrintable(QString::number(relativeError(d32[1], d64[1]))));
    }

    void maskedSoftmaxMatchesOpChain()
    {
        torch::AutoGradMode grad(true);
        const std::int64_t b = 2, hk = 2, g = 2, t = 5, s = 7;
        const auto scores = torch::randn({b, hk, g, t, s}, kF64) * 3.0;
        // Causal over 2 cached keys plus 5 new ones; row 1 left-padded by 3, so
        // its first query (a padding position) has no allowed key at all.
        auto allowed = torch::ones({b, t, s}, torch::kBool).tril(2);
        allowed.index_put_({1, torch::indexing::Slice(), torch::indexing::Slice(0, 3)}, false);
        allowed.index_put_({1, 0}, false);
        const auto up = torch::randn({b, hk, g, t, s}, kF64);

        auto s32 = leaf32(scores);
        const auto y32 = maskedSoftmaxTraining(s32, allowed);
        auto s64 = leaf64(scores);
        const auto masked = s64.masked_fill(allowed.logical_not().view({b, 1, 1, t, s}),
                                            std::numeric_limits<double>::lowest());
        const auto y64 = torch::softmax(masked, -1);
        QVERIFY2(relativeError(y32, y64) < 1e-6, qPrintable(QString::number(relativeError(y32, y64))));
        // The query with no allowed key: uniform weights, no gradient.
        QVERIFY(torch::allclose(y32.select(0, 1).select(2, 0), torch::full({hk, g, s}, 1.0f / float(s))));
        const auto d32 = gradsOf(y32, up, {s32})[0];
        const auto d64 = gradsOf(y64, up, {s64})[0];
        QVERIFY2(relativeError(d32, d64) < 1e-5, qPrintable(QString::number(relativeError(d32, d64))));
        QCOMPARE(d32.select(0, 1).select(2, 0).abs().max().item<float>(), 0.0f);
        // Masked keys of a query that has allowed ones get nothing.
        const auto maskedKeys = allowed.logical_not().logical_and(allowed.any(-1, true)).view({b, 1, 1, t, s});
        QCOMPARE(y32.masked_select(maskedKeys.expand_as(y32)).abs().max().item<float>(), 0.0f);
    }

    // The whole decoder with a graph: float32 takes the kernels, float64 the op
    // chains; every parameter's gradient agrees. Left padding gives the padding
    // queries with no allowed key.
    void decoderGradientsMatchFloat64_data()
    {
        QTest::addColumn<bool>("qkNorm");
        QTest::newRow("llama gqa") << false;
        QTest::newRow("qwen3 qk norm") << true;
    }

    void decoderGradientsMatchFloat64()
    {
        QFETCH(bool, qkNorm);
        torch::AutoGradMode grad(true);
        const auto config = checkedDecoderConfig(tinyConfig(qkNorm));
        torch::manual_seed(5);
        LlamaModel m64(config);
        m64->to(torch::kFloat64);
        torch::NoGradGuard init;
        for (auto &p : m64->parameters())
            p.copy_(p.dim() == 1 ? 1.0 + 0.2 * torch::randn_like(p) : torch::randn_like(p) / std::sqrt(double(p.size(-1))));
        LlamaModel m32(config);
        const auto p32 = m32->parameters(), p64 = m64->parameters();
        for (size_t i = 0; i < p32.size(); ++i)
            const_cast<torch::Tensor &>(p32[i]).copy_(p64[i]);
        torch::AutoGradMode enabled(true);

        const auto ids = torch::tensor({{3, 17, 22, 5, 30, 1, 9}, {0, 0, 0, 12, 8, 36, 2}}, torch::kInt64);
        const auto keyMask = torch::tensor({{1, 1, 1, 1, 1, 1, 1}, {0, 0, 0, 1, 1, 1, 1}}, torch::kBool);
        const auto positions = (keyMask.to(torch::kInt64).cumsum(1) - 1).clamp_min(0);
        const auto upstream = torch::randn({2, 7, config.vocabSize}, kF64);
        auto lossOf = [&](LlamaModel &m) {
            const auto logits = m->forward(ids, positions, keyMask, nullptr);
            return (logits.to(torch::kFloat64) * upstream).sum();
        };
        QVERIFY(trainingKernelsApply(p32[0]));
        const auto g32 = torch::autograd::grad({lossOf(m32)}, p32);
        const auto g64 = torch::autograd::grad({lossOf(m64)}, p64);
        const auto names = m32->named_parameters().keys();
        for (size_t i = 0; i < p32.size(); ++i) {
            const double err = relativeError(g32[i], g64[i]);
            QVERIFY2(err < 1e-4, qPrintable(QString::fromStdString(names[i]) + ": " + QString::number(err)));
        }
    }
};

QTEST_GUILESS_MAIN(TestTrainingKernels)
#include "tst_training_kernels.moc"
