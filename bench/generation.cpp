// SPDX-License-Identifier: GPL-3.0-or-later
// Generation speed on the CPU: prefill and per-token generation throughput of the
// decoder at batch 1, 8 and 64 for a ~1M- and a ~100M-parameter random Llama, next to
// the float32 matrix-product rate this machine reaches (torch::mm). "ratio" is the
// model's matmul work per second (2 x matmul parameters x tokens/s) over that rate.
// Usage: bench_generation [threads]  (default: all cores)
#include <torch/torch.h>

#include "core/runtime_info.h"
#include "model/llama_model.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

using namespace rlrf::model;

namespace {

double seconds(const std::function<void()> &fn)
{
    const auto start = std::chrono::steady_clock::now();
    fn();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double matmulGflops()
{
    torch::NoGradGuard noGrad;
    const std::int64_t n = 1024;
    const auto a = torch::randn({n, n}), b = torch::randn({n, n});
    torch::mm(a, b); // warm-up
    int reps = 0;
    const double t = seconds([&] {
        for (reps = 0; reps < 10; ++reps)
            torch::mm(a, b);
    });
    return 2.0 * double(n * n * n) * reps / t / 1e9;
}

// The generator's path, timed in its two phases: one prefill of [B, prompt] into the
// KV cache, then `newTokens` greedy steps of [B, 1] (argmax, no sampling bookkeeping).
std::pair<double, double> timeCachedRun(LlamaModelImpl &model, std::int64_t batch, std::int64_t promptLength,
                                        std::int64_t newTokens)
{
    torch::NoGradGuard noGrad;
    const auto vocab = model.config().vocabSize;
    const auto ids = torch::randint(vocab, {batch, promptLength}, torch::kInt64);
    const auto positions = torch::arange(promptLength, torch::kInt64).unsqueeze(0).expand({batch, promptLength});
    auto mask = torch::ones({batch, promptLength}, torch::kBool);
    auto cache = model.makeCache(promptLength + newTokens);
    torch::Tensor next;
    const double prefill = seconds([&] {
        const auto hidden = model.hiddenStates(ids, positions, mask, &cache);
        next = model.logitsFrom(hidden.select(1, promptLength - 1)).argmax(-1);
    });
    const double decode = seconds([&] {
        for (std::int64_t step = 0; step < newTokens; ++step) {
            mask = torch::cat({mask, torch::ones({batch, 1}, torch::kBool)}, 1);
            const auto pos = torch::full({batch, 1}, promptLength + step, torch::kInt64);
            next = model.forward(next.view({batch, 1}), pos, mask, &cache).select(1, 0).argmax(-1);
        }
    });
    return {prefill, decode};
}

struct BenchModel {
    const char *name;
    ModelConfig config;
    std::int64_t promptLength;
    std::int64_t newTokens;
};

ModelConfig config(std::int64_t vocab, std::int64_t width, std::int64_t ffn, std::int64_t layers, std::int64_t heads)
{
    ModelConfig c;
    c.modelType = "llama";
    c.vocabSize = vocab;
    c.hiddenSize = width;
    c.intermediateSize = ffn;
    c.numLayers = layers;
    c.numHeads = heads;
    c.numKvHeads = heads;
    c.tieWordEmbeddings = true;
    return c;
}

void run(const BenchModel &spec, double mmGflops)
{
    torch::manual_seed(0);
    LlamaModel model(spec.config);
    model->eval();
    std::int64_t total = 0, matmul = 0;
    for (const auto &p : model->named_parameters()) {
        total += p.value().numel();
        if (p.value().dim() == 2) // every 2-D weight is used as a matmul (embeddings via the tied head)
            matmul += p.value().numel();
    }
    for (const std::int64_t batch : {1, 8, 64}) {
        double prefill = 1e30, decode = 1e30;
        for (int attempt = 0; attempt < 2; ++attempt) { // best of two: the machine is shared
            const auto [p, d] = timeCachedRun(*model, batch, spec.promptLength, spec.newTokens);
            prefill = std::min(prefill, p);
            decode = std::min(decode, d);
        }
        const double prefillRate = double(batch * spec.promptLength) / prefill;
        const double generationRate = double(batch * spec.newTokens) / decode;
        const double gflops = 2.0 * double(matmul) * generationRate / 1e9;
        std::printf("| %-6s | %7.2fM | %5lld | %8.0f | %10.1f | %8.2f | %6.1f%% |\n", spec.name, total / 1e6,
                    static_cast<long long>(batch), prefillRate, generationRate, gflops, 100.0 * gflops / mmGflops);
        std::fflush(stdout);
    }
}

} // namespace

int main(int argc, char **argv)
{
    rlrf::initTorchRuntime(argc > 1 ? std::atoi(argv[1]) : 0);
    const auto info = rlrf::runtimeInfo();
    const double mm = matmulGflops();
    std::printf("LibTorch %s, %d threads, BLAS: %s\n", info.torchVersion.c_str(), info.threads, info.blas.c_str());
    std::printf("float32 torch::mm 1024x1024: %.1f GFLOP/s\n\n", mm);
    std::printf("| model  |  params  | batch | prefill tok/s | generate tok/s | GFLOP/s | ratio |\n");
    std::printf("|--------|----------|-------|----------|------------|----------|--------|\n");
    run({"~1M", config(512, 128, 344, 4, 4), 64, 64}, mm);
    run({"~100M", config(32000, 768, 2048, 12, 12), 32, 16}, mm);
    return 0;
}
