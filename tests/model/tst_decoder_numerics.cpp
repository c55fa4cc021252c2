// The decoder against an independent float64 reference written here from the
// formulas (RMSNorm, rotate-half RoPE with linear and Llama-3 scaling, grouped-query
// causal attention, SwiGLU), on tiny random models shaped like Llama (GQA, untied),
// Llama 3.1 (rope scaling, tied), Qwen2 (q/k/v biases), Qwen3 (per-head q/k norm,
// head size != width / heads) and Mistral (sliding-window attention). Weights are made here under Hugging Face's names, so
// the loader's name table is checked too. Also: scoring == log_softmax of the full
// forward, and bad weight maps give named errors.
#include <torch/torch.h>

#include "core/error.h"
#include "model/llama_model.h"
#include "model/logprobs.h"

#include <QtTest/QtTest>

#include <cmath>

using namespace rlrf::model;
using Weights = std::map<std::string, torch::Tensor>;

Q_DECLARE_METATYPE(rlrf::model::ModelConfig)

namespace {

ModelConfig tinyConfig(const std::string &type)
{
    ModelConfig c;
    c.modelType = type;
    c.vocabSize = 61;
    c.hiddenSize = 32;
    c.intermediateSize = 48;
    c.numLayers = 2;
    c.numHeads = 4;
    c.numKvHeads = 2;
    c.headDim = 8;
    c.rmsNormEps = 1e-5;
    c.ropeTheta = 10000.0;
    return c;
}

// Weights under Hugging Face's names, float64, scaled so that activations stay O(1).
Weights randomWeights(const ModelConfig &c, std::uint64_t seed)
{
    torch::manual_seed(seed);
    const auto opt = torch::TensorOptions().dtype(torch::kFloat64);
    auto mat = [&](std::int64_t out, std::int64_t in) { return torch::randn({out, in}, opt) / std::sqrt(double(in)); };
    auto normWeight = [&](std::int64_t n) { return 1.0 + 0.2 * torch::randn({n}, opt); };
    Weights w;
    const auto d = c.hiddenSize, k = c.headDim;
    w["model.embed_tokens.weight"] = torch::randn({c.vocabSize, d}, opt);
    for (std::int64_t l = 0; l < c.numLayers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        w[p + "input_layernorm.weight"] = normWeight(d);
        w[p + "post_attention_layernorm.weight"] = normWeight(d);
        w[p + "self_attn.q_proj.weight"] = mat(c.numHeads * k, d);
        w[p + "self_attn.k_proj.weight"] = mat(c.numKvHeads * k, d);
        w[p + "self_attn.v_proj.weight"] = mat(c.numKvHeads * k, d);
        w[p + "self_attn.o_proj.weight"] = mat(d, c.numHeads * k);
        if (c.attentionBias) {
            w[p + "self_attn.q_proj.bias"] = 0.3 * torch::randn({c.numHeads * k}, opt);
            w[p + "self_attn.k_proj.bias"] = 0.3 * torch::randn({c.numKvHeads * k}, opt);
            w[p + "self_attn.v_proj.bias"] = 0.3 * torch::randn({c.numKvHeads * k}, opt);
        }
        if (c.qkNorm) {
            w[p + "self_attn.q_norm.weight"] = normWeight(k);
            w[p + "self_attn.k_norm.weight"] = normWeight(k);
        }
        w[p + "mlp.gate_proj.weight"] = mat(c.intermediateSize, d);
        w[p + "mlp.up_proj.weight"] = mat(c.intermediateSize, d);
        w[p + "mlp.down_proj.weight"] = mat(d, c.intermediateSize);
    }
    w["model.norm.weight"] = normWeight(d);
    if (!c.tieWordEmbeddings)
        w["lm_head.weight"] = mat(c.vocabSize, d);
    return w;
}

// ---- the float64 reference, from the formulas ------------------------------------

torch::Tensor refRmsNorm(const torch::Tensor &x, const torch::Tensor &w, double eps)
{
    return x / torch::sqrt(x.pow(2).mean(-1, true) + eps) * w;
}

// theta^(-2i/K), then rope scaling as transformers documents it (Llama 3.1: wavelengths
// above original/low_freq_factor are divided by factor, below original/high_freq_factor
// kept, in between a linear blend in original/wavelength).
std::vector<double> refInverseFrequencies(const ModelConfig &c)
{
    std::vector<double> inv;
    for (std::int64_t i = 0; i < c.headDim / 2; ++i) {
        double f = std::pow(c.ropeTheta, -2.0 * double(i) / double(c.headDim));
        if (c.ropeScaling && c.ropeScaling->type == "linear")
            f /= c.ropeScaling->factor;
        if (c.ropeScaling && c.ropeScaling->type == "llama3") {
            const auto &s = *c.ropeScaling;
            const double wavelength = 2.0 * M_PI / f;
            const double ratio = double(s.originalMaxPositionEmbeddings) / wavelength;
            if (ratio < s.lowFreqFactor)
                f /= s.factor;
            else if (ratio <= s.highFreqFactor) {
                const double t = (ratio - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
                f = (1 - t) * f / s.factor + t * f;
            }
        }
        inv.push_back(f);
    }
    return inv;
}

// One head x [T,K]: pairs (i, i + K/2) rotated by position * frequency i.
torch::Tensor refRope(const torch::Tensor &x, const std::vector<std::int64_t> &positions, const std::vector<double> &inv)
{
    auto out = x.clone();
    const auto half = x.size(1) / 2;
    auto a = x.accessor<double, 2>();
    auto o = out.accessor<double, 2>();
    for (std::int64_t t = 0; t < x.size(0); ++t)
        for (std::int64_t i = 0; i < half; ++i) {
            const double angle = double(positions[size_t(t)]) * inv[size_t(i)];
            o[t][i] = a[t][i] * std::cos(angle) - a[t][i + half] * std::sin(angle);
            o[t][i + half] = a[t][i + half] * std::cos(angle) + a[t][i] * std::sin(angle);
        }
    return out;
}

torch::Tensor refLinear(const torch::Tensor &x, const Weights &w, const std::string &name)
{
    auto y = x.matmul(w.at(name + ".weight").t());
    if (w.count(name + ".bias"))
        y = y + w.at(name + ".bias");
    return y;
}

torch::Tensor refAttention(const ModelConfig &c, const Weights &w, const std::string &p, const torch::Tensor &h,
                           const std::vector<std::int64_t> &positions)
{
    const auto q = refLinear(h, w, p + "self_attn.q_proj");
    const auto k = refLinear(h, w, p + "self_attn.k_proj");
    const auto v = refLinear(h, w, p + "self_attn.v_proj");
    const auto inv = refInverseFrequencies(c);
    const auto t = h.size(0), hd = c.headDim;
    auto future = torch::ones({t, t}, torch::kBool).triu(1);
    if (c.slidingWindow) // Mistral: query i sees keys i - window + 1 .. i
        future = future.logical_or(torch::ones({t, t}, torch::kBool).tril(-*c.slidingWindow));
    std::vector<torch::Tensor> heads;
    for (std::int64_t head = 0; head < c.numHeads; ++head) {
        const auto kvHead = head / (c.numHeads / c.numKvHeads);
        auto qh = q.narrow(1, head * hd, hd);
        auto kh = k.narrow(1, kvHead * hd, hd);
        if (c.qkNorm) {
            qh = refRmsNorm(qh, w.at(p + "self_attn.q_norm.weight"), c.rmsNormEps);
            kh = refRmsNorm(kh, w.at(p + "self_attn.k_norm.weight"), c.rmsNormEps);
        }
        qh = refRope(qh.contiguous(), positions, inv);
        kh = refRope(kh.contiguous(), positions, inv);
        auto scores = qh.matmul(kh.t()) / std::sqrt(double(hd));
        scores = scores.masked_fill(future, -INFINITY);
        heads.push_back(torch::softmax(scores, -1).matmul(v.narrow(1, kvHead * hd, hd)));
    }
    return torch::cat(heads, 1).matmul(w.at(p + "self_attn.o_proj.weight").t());
}

// Logits [T,V] of one unpadded sequence at the given positions.
torch::Tensor refForward(const ModelConfig &c, const Weights &w, const std::vector<std::int64_t> &ids,
                         const std::vector<std::int64_t> &positions)
{
    auto x = w.at("model.embed_tokens.weight").index_select(0, torch::tensor(ids, torch::kInt64));
    for (std::int64_t l = 0; l < c.numLayers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        x = x + refAttention(c, w, p, refRmsNorm(x, w.at(p + "input_layernorm.weight"), c.rmsNormEps), positions);
        const auto h = refRmsNorm(x, w.at(p + "post_attention_layernorm.weight"), c.rmsNormEps);
        const auto gate = h.matmul(w.at(p + "mlp.gate_proj.weight").t());
        const auto up = h.matmul(w.at(p + "mlp.up_proj.weight").t());
        x = x + (gate / (1.0 + torch::exp(-gate)) * up).matmul(w.at(p + "mlp.down_proj.weight").t());
    }
    x = refRmsNorm(x, w.at("model.norm.weight"), c.rmsNormEps);
    const auto &head = c.tieWordEmbeddings ? w.at("model.embed_tokens.weight") : w.at("lm_head.weight");
    return x.matmul(head.t());
}

// ----------------------------------------------------------------------------------

LlamaModel buildModel(const ModelConfig &c, const Weights &w, torch::ScalarType dtype)
{
    LlamaModel model(c);
    loadWeights(model, w, "random weights");
    model->to(dtype);
    model->eval();
    return model;
}

double relativeError(const torch::Tensor &got, const torch::Tensor &ref)
{
    return (got.to(torch::kFloat64) - ref).abs().max().item<double>() / ref.abs().max().item<double>();
}

std::vector<std::int64_t> range(std::int64_t from, std::int64_t count)
{
    std::vector<std::int64_t> r;
    for (std::int64_t i = 0; i < count; ++i)
        r.push_back(from + i);
    return r;
}

void expectLoadError(const ModelConfig &c, const Weights &w, const std::string &fragment)
{
    LlamaModel model(c);
    try {
        loadWeights(model, w, "weights.safetensors");
        QFAIL(("no error; expected " + fragment).c_str());
    } catch (const rlrf::Error &e) {
        QVERIFY2(std::string(e.what()).find(fragment) != std::string::npos, e.what());
        QCOMPARE(e.source().file, std::string("weights.safetensors"));
    }
}

} // namespace

class TestDecoderNumerics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void logitsMatchFloat64Reference_data()
    {
        QTest::addColumn<ModelConfig>("config");
        QTest::addColumn<std::int64_t>("firstPosition");
        auto llama = tinyConfig("llama");
        QTest::newRow("llama gqa untied") << llama << std::int64_t(0);
        auto llama3 = tinyConfig("llama");
        llama3.tieWordEmbeddings = true;
        llama3.ropeScaling = RopeScaling{"llama3", 8.0, 1.0, 4.0, 64};
        QTest::newRow("llama3 rope scaling tied") << llama3 << std::int64_t(300);
        auto linear = tinyConfig("llama");
        linear.ropeScaling = RopeScaling{"linear", 2.0, 1.0, 4.0, 8192};
        QTest::newRow("linear rope scaling") << linear << std::int64_t(40);
        auto qwen2 = tinyConfig("qwen2");
        qwen2.attentionBias = true;
        qwen2.tieWordEmbeddings = true;
        qwen2.ropeTheta = 1000000.0;
        QTest::newRow("qwen2 bias") << qwen2 << std::int64_t(0);
        auto qwen3 = tinyConfig("qwen3");
        qwen3.qkNorm = true;
        qwen3.headDim = 16; // Qwen3 decouples head size from width / heads
        qwen3.rmsNormEps = 1e-6;
        QTest::newRow("qwen3 qk norm") << qwen3 << std::int64_t(7);
        auto mistral = tinyConfig("mistral");
        mistral.slidingWindow = 4; // shorter than the 12 test tokens, so it matters
        QTest::newRow("mistral sliding window") << mistral << std::int64_t(0);
        auto mha = tinyConfig("llama");
        mha.numKvHeads = 0; // absent: plain multi-head attention
        mha.headDim = 0;    // absent: width / heads
        QTest::newRow("mha defaults") << mha << std::int64_t(0);
    }

    void logitsMatchFloat64Reference()
    {
        QFETCH(ModelConfig, config);
        QFETCH(std::int64_t, firstPosition);
        const auto checked = checkedDecoderConfig(config);
        const auto weights = randomWeights(checked, 7);
        const std::vector<std::int64_t> ids = {3, 17, 42, 5, 60, 0, 9, 33, 21, 8, 14, 50};
        const auto positions = range(firstPosition, std::int64_t(ids.size()));
        const auto ref = refForward(checked, weights, ids, positions);
        torch::NoGradGuard noGrad;
        const auto idsT = torch::tensor(ids, torch::kInt64).unsqueeze(0);
        const auto posT = torch::tensor(positions, torch::kInt64).unsqueeze(0);
        const auto mask = torch::ones({1, std::int64_t(ids.size())}, torch::kBool);

        auto f32 = buildModel(config, weights, torch::kFloat32);
        const double errF32 = relativeError(f32->forward(idsT, posT, mask).squeeze(0), ref);
        QVERIFY2(errF32 < 1e-5, qPrintable(QStringLiteral("float32 relative error %1").arg(errF32)));

        // bfloat16 keeps 8 bits of mantissa (relative step 2^-8 = 0.4 %); over two
        // layers the logits drift by a few of those steps. Documented bound: 5 %.
        auto bf16 = buildModel(config, weights, torch::kBFloat16);
        const double errBf16 = relativeError(bf16->forward(idsT, posT, mask).squeeze(0), ref);
        QVERIFY2(errBf16 < 5e-2, qPrintable(QStringLiteral("bfloat16 relative error %1").arg(errBf16)));
        qInfo("relative error: float32 %.2e, bfloat16 %.2e", errF32, errBf16);
    }

    // Decoding one token at a time through the KV cache takes the fused
    // inference kernels (model/inference_kernels.h) and the one-pass cached
    // attention (model/cached_attention.h); the forward with gradients takes the
    // differentiable op chains. Both must give the reference's logits.
    void logitsMatchFloat64Reference_cachedAndTraining_data() { logitsMatchFloat64Reference_data(); }

    void logitsMatchFloat64Reference_cachedAndTraining()
    {
        QFETCH(ModelConfig, config);
        QFETCH(std::int64_t, firstPosition);
        const auto checked = checkedDecoderConfig(config);
        const auto weights = randomWeights(checked, 7);
        const std::vector<std::int64_t> ids = {3, 17, 42, 5, 60, 0, 9, 33, 21, 8, 14, 50};
        const auto n = std::int64_t(ids.size());
        const auto positions = range(firstPosition, n);
        const auto ref = refForward(checked, weights, ids, positions);
        auto f32 = buildModel(config, weights, torch::kFloat32);

        // With gradients: the op chains.
        const auto idsT = torch::tensor(ids, torch::kInt64).unsqueeze(0);
        const auto posT = torch::tensor(positions, torch::kInt64).unsqueeze(0);
        const auto grad = f32->forward(idsT, posT, torch::ones({1, n}, torch::kBool)).squeeze(0);
        QVERIFY(grad.requires_grad());
        const double errGrad = relativeError(grad.detach(), ref);
        QVERIFY2(errGrad < 1e-5, qPrintable(QStringLiteral("with gradients: relative error %1").arg(errGrad)));

        // Without: a prompt of 3, then one token a step through the cache, two
        // rows (the second left-padded by one, as the generator pads).
        torch::NoGradGuard noGrad;
        auto cache = f32->makeCache(n + 1);
        std::vector<torch::Tensor> steps;
        const std::int64_t prompt = 3;
        auto rowIds = torch::zeros({2, prompt + 1}, torch::kInt64);
        auto rowPos = torch::zeros({2, prompt + 1}, torch::kInt64);
        auto mask = torch::zeros({2, prompt + 1}, torch::kBool);
        for (std::int64_t j = 0; j < prompt; ++j) {
            rowIds[0][j] = ids[j], rowPos[0][j] = positions[j], mask[0][j] = true;
            rowIds[1][j + 1] = ids[j], rowPos[1][j + 1] = positions[j], mask[1][j + 1] = true;
        }
        // Row 0 has one real token more in its first pass: the token at `prompt`.
        rowIds[0][prompt] = ids[prompt], rowPos[0][prompt] = positions[prompt], mask[0][prompt] = true;
        auto logits = f32->forward(rowIds, rowPos, mask, &cache); // [2,4,V]
        for (std::int64_t j = 0; j <= prompt; ++j)
            steps.push_back(logits[0][j]);
        const auto row1First = logits[1][prompt]; // row 1 at its position prompt-1
        QVERIFY2(relativeError(row1First, ref[prompt - 1]) < 1e-5, "padded row, prompt pass");
        for (std::int64_t j = prompt + 1; j < n; ++j) {
            mask = torch::cat({mask, torch::ones({2, 1}, torch::kBool)}, 1);
            const auto stepIds = torch::tensor({ids[j], ids[j - 1]}, torch::kInt64).view({2, 1});
            const auto stepPos = torch::tensor({positions[j], positions[j - 1]}, torch::kInt64).view({2, 1});
            const auto out = f32->forward(stepIds, stepPos, mask, &cache); // [2,1,V]
            steps.push_back(out[0][0]);
            const double errRow1 = relativeError(out[1][0], ref[j - 1]);
            QVERIFY2(errRow1 < 1e-5, qPrintable(QStringLiteral("padded row at %1: %2").arg(j - 1).arg(errRow1)));
        }
        const double errCached = relativeError(torch::stack(steps), ref);
        QVERIFY2(errCached < 1e-5, qPrintable(QStringLiteral("cached decoding: relative error %1").arg(errCached)));
    }

    void parameterNamesAreHuggingFaces()
    {
        auto qwen3 = tinyConfig("qwen3");
        qwen3.qkNorm = true;
        LlamaModel model(qwen3);
        const auto names = model->named_parameters().keys();
        QVERIFY(std::find(names.begin(), names.end(), "model.layers.1.self_attn.k_norm.weight") != names.end());
        QVERIFY(std::find(names.begin(), names.end(), "lm_head.weight") != names.end());
        QCOMPARE(names.size(), size_t(2 + 2 * 11 + 1));
    }

    void scoringEqualsGatheredLogSoftmax()
    {
        auto config = tinyConfig("qwen2");
        config.attentionBias = true;
        const auto weights = randomWeights(config, 11);
        auto model = buildModel(config, weights, torch::kFloat32);
        const TokenRows prompts = {{1, 2, 3}, {4, 5, 6, 7, 8, 9}, {10}};
        const TokenRows completions = {{11, 12, 13, 14}, {15}, {16, 17}};
        const auto scored = completionLogProbs(*model, prompts, completions);
        QCOMPARE(scored.logProbs.sizes(), (torch::IntArrayRef{3, 4}));
        scored.logProbs.sum().backward(); // differentiable
        QVERIFY(model->model->embed_tokens->weight.grad().defined());
        QVERIFY(model->model->embed_tokens->weight.grad().abs().sum().item<double>() > 0);
        const auto noGrad = completionLogProbsNoGrad(*model, prompts, completions);
        torch::NoGradGuard guard;
        for (size_t b = 0; b < prompts.size(); ++b) {
            auto ids = prompts[b];
            ids.insert(ids.end(), completions[b].begin(), completions[b].end());
            const auto logSoftmax = torch::log_softmax(model->forward(torch::tensor(ids).unsqueeze(0)), -1)[0];
            const auto p = std::int64_t(prompts[b].size());
            QCOMPARE(noGrad[b].size(), completions[b].size());
            for (std::int64_t j = 0; j < std::int64_t(completions[b].size()); ++j) {
                const double expected = logSoftmax[p - 1 + j][completions[b][size_t(j)]].item<double>();
                QVERIFY(std::abs(scored.logProbs[std::int64_t(b)][j].item<double>() - expected) < 1e-5);
                QVERIFY(std::abs(noGrad[b][size_t(j)] - expected) < 1e-5);
                QVERIFY(scored.mask[std::int64_t(b)][j].item<bool>());
            }
            for (auto j = std::int64_t(completions[b].size()); j < 4; ++j) {
                QVERIFY(!scored.mask[std::int64_t(b)][j].item<bool>());
                QCOMPARE(scored.logProbs[std::int64_t(b)][j].item<double>(), 0.0);
            }
        }
    }

    void badScoringInputIsAnError()
    {
        auto model = buildModel(tinyConfig("llama"), randomWeights(tinyConfig("llama"), 3), torch::kFloat32);
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, completionLogProbs(*model, {{1}}, {}));
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, completionLogProbs(*model, {{}}, {{1}}));
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, completionLogProbs(*model, {{1}}, {{61}}));
    }

    void badWeightsAreNamed()
    {
        const auto config = tinyConfig("llama");
        auto weights = randomWeights(config, 5);
        auto missing = weights;
        missing.erase("model.layers.1.mlp.up_proj.weight");
        expectLoadError(config, missing, "missing tensor 'model.layers.1.mlp.up_proj.weight'");
        auto extra = weights;
        extra["model.layers.2.mlp.up_proj.weight"] = torch::zeros({1});
        expectLoadError(config, extra, "unexpected tensor 'model.layers.2.mlp.up_proj.weight'");
        auto shape = weights;
        shape["model.norm.weight"] = torch::zeros({31});
        expectLoadError(config, shape, "tensor 'model.norm.weight' has shape [31], the model expects [32]");
    }

    void impossibleConfigIsNamed()
    {
        auto config = tinyConfig("llama");
        config.numKvHeads = 3;
        try {
            LlamaModel model(config);
            QFAIL("4 heads over 3 key/value heads must be refused");
        } catch (const rlrf::Error &e) {
            QCOMPARE(e.source().field, std::string("num_key_value_heads"));
        }
        config = tinyConfig("llama");
        config.ropeScaling = RopeScaling{"yarn", 2.0, 1.0, 4.0, 8192};
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, LlamaModel{config});
    }
};

QTEST_GUILESS_MAIN(TestDecoderNumerics)
#include "tst_decoder_numerics.moc"
