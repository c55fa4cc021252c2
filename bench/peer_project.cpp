// SPDX-License-Identifier: GPL-3.0-or-later
// The project's side of bench/peer_compare.sh: the same work as bench/peer_torch.py
// (the PyTorch-eager peer) on a random Llama of the same shape, timed with the
// project's own code paths: the generator, the DPO micro-step, the SFT batch and
// loss, the GRPO backward, AdamW. One JSON object a line on stdout; the script
// joins both sides into one table. Inputs are the token formula both sides share
// (benchToken), so both do exactly the same work.
// Usage: bench_peer_project 5M|100M [threads] [generation|training]  (default: both)
#include <torch/torch.h>

#include "core/runtime_info.h"
#include "core/torch_compat.h"
#include "model/generator.h"
#include "model/llama_model.h"
#include "model/logprobs.h"
#include "train/batching.h"
#include "train/dpo_trainer_step.h"
#include "train/grpo_step.h"
#include "train/optimizer_factory.h"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

using namespace rlrf;

namespace {

constexpr std::int64_t kPrompt = 64;     // prompt tokens (generation, and each training row's prompt)
constexpr std::int64_t kNewTokens = 64;  // generated tokens; each training row's completion length
constexpr std::int64_t kPairs = 8;       // DPO pairs, SFT examples and GRPO rows per step
constexpr std::int64_t kReflection = 32; // GRPO loss tokens: the completion's leading reflection

// The shared input formula (bench/peer_torch.py has the same): never 0, the pad id.
std::int64_t benchToken(std::int64_t row, std::int64_t position, std::int64_t salt, std::int64_t vocab)
{
    return (row * 7919 + position * 104729 + salt * 1299709 + 17) % (vocab - 1) + 1;
}

std::vector<std::int64_t> tokens(std::int64_t row, std::int64_t length, std::int64_t salt, std::int64_t vocab)
{
    std::vector<std::int64_t> out;
    for (std::int64_t j = 0; j < length; ++j)
        out.push_back(benchToken(row, j, salt, vocab));
    return out;
}

double seconds(const std::function<void()> &fn)
{
    const auto start = std::chrono::steady_clock::now();
    fn();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Best of `repeats` after one warm-up: the machine may be shared.
double best(int repeats, const std::function<void()> &fn)
{
    fn();
    double t = 1e30;
    for (int i = 0; i < repeats; ++i)
        t = std::min(t, seconds(fn));
    return t;
}

void emit(const std::string &model, const std::string &row, std::int64_t batch, double secs, double tokens)
{
    std::printf("{\"side\":\"project\",\"model\":\"%s\",\"row\":\"%s\",\"batch\":%lld,\"seconds\":%.6f,"
                "\"tokens\":%.0f}\n",
                model.c_str(), row.c_str(), static_cast<long long>(batch), secs, tokens);
    std::fflush(stdout);
}

double matmulGflops()
{
    torch::NoGradGuard noGrad;
    const std::int64_t n = 1024;
    const auto a = torch::randn({n, n}), b = torch::randn({n, n});
    const double t = best(3, [&] {
        for (int r = 0; r < 5; ++r)
            torch::mm(a, b);
    });
    return 2.0 * double(n * n * n) * 5 / t / 1e9;
}

model::ModelConfig configFor(const std::string &name)
{
    model::ModelConfig c;
    c.modelType = "llama";
    c.tieWordEmbeddings = true;
    c.maxPositionEmbeddings = 2048;
    if (name == "5M") {
        c.vocabSize = 1024, c.hiddenSize = 256, c.intermediateSize = 688, c.numLayers = 6, c.numHeads = 4;
    } else if (name == "100M") {
        c.vocabSize = 32000, c.hiddenSize = 768, c.intermediateSize = 2048, c.numLayers = 12, c.numHeads = 12;
    } else {
        std::fprintf(stderr, "bench_peer_project: unknown model '%s' (5M or 100M)\n", name.c_str());
        std::exit(2);
    }
    c.numKvHeads = c.numHeads;
    return c;
}

void benchGeneration(const std::string &name, model::LlamaModelImpl &model, int repeats)
{
    const auto vocab = model.config().vocabSize;
    for (const std::int64_t batch : {1, 8, 64}) {
        std::vector<std::vector<std::int64_t>> prompts;
        for (std::int64_t r = 0; r < batch; ++r)
            prompts.push_back(tokens(r, kPrompt, 0, vocab));
        model::GenerationOptions options;
        options.sampling.temperature = 0; // greedy; no EOS: every row makes all its tokens
        options.maxNewTokens = 1;
        const double first = best(repeats, [&] { model::generate(model, prompts, options); });
        options.maxNewTokens = kNewTokens;
        const double all = best(repeats, [&] { model::generate(model, prompts, options); });
        emit(name, "prefill", batch, first, double(batch * kPrompt));
        emit(name, "decode", batch, std::max(all - first, 1e-9), double(batch * (kNewTokens - 1)));
    }
}

void benchTraining(const std::string &name, model::LlamaModelImpl &model, int repeats)
{
    const auto vocab = model.config().vocabSize;
    train::SftConfig optimizerSettings; // AdamW, lr 1e-4, no weight decay, as the peer's
    auto optimizer = train::makeAdamW(model, optimizerSettings);
    auto finishStep = [&] {
        compat::clipGradNorm(model.parameters(), 1.0);
        optimizer->step();
    };

    // DPO: 8 pairs of 128 tokens (64 prompt + 64 completion), chosen and rejected
    // through the policy in one forward, reference log-probs cached beforehand.
    std::vector<train::DpoPair> pairs;
    for (std::int64_t p = 0; p < kPairs; ++p)
        pairs.push_back({tokens(p, kPrompt, 1, vocab), tokens(p, kNewTokens, 2, vocab), tokens(p, kNewTokens, 3, vocab)});
    train::DpoMicroBatch batch;
    for (const auto &pair : pairs) {
        batch.pairs.push_back(&pair);
        const auto ref = model::completionLogProbsNoGrad(model, {pair.prompt, pair.prompt}, {pair.chosen, pair.rejected});
        double chosen = 0, rejected = 0;
        for (const auto v : ref[0])
            chosen += v;
        for (const auto v : ref[1])
            rejected += v;
        batch.referenceChosen.push_back(chosen);
        batch.referenceRejected.push_back(rejected);
    }
    const double dpo = best(repeats, [&] {
        optimizer->zero_grad();
        train::dpoMicroStep(model, batch, train::DpoStepOptions{});
        finishStep();
    });
    emit(name, "dpo_step", kPairs, dpo, double(2 * kPairs * (kPrompt + kNewTokens)));

    // SFT: 8 examples of 64 prompt + 64 answer tokens, loss on the answer.
    std::vector<train::SftExample> examples;
    std::vector<std::size_t> indices;
    for (std::int64_t e = 0; e < kPairs; ++e) {
        examples.push_back({tokens(e, kPrompt, 1, vocab), tokens(e, kNewTokens, 2, vocab)});
        indices.push_back(static_cast<std::size_t>(e));
    }
    const double sft = best(repeats, [&] {
        optimizer->zero_grad();
        const auto b = train::makeSftBatch(examples, indices, vocab, model.config().maxPositionEmbeddings);
        const auto loss = train::maskedNllSum(train::batchLogits(model, b), b.targets, b.lossMask)
                          / static_cast<double>(b.answerTokens);
        loss.backward();
        finishStep();
    });
    emit(name, "sft_step", kPairs, sft, double(kPairs * (kPrompt + kNewTokens)));

    // GRPO on reflection tokens: 8 rows, loss on each completion's first 32 tokens,
    // reference log-probs taken in the step, one update per batch (old = current).
    train::GrpoRows rows;
    for (std::int64_t r = 0; r < kPairs; ++r) {
        rows.prompts.push_back(tokens(r, kPrompt, 1, vocab));
        rows.completions.push_back(tokens(r, kNewTokens, 4, vocab));
        rows.lossLengths.push_back(kReflection);
        rows.advantages.push_back(r % 2 == 0 ? 1.0 : -1.0);
    }
    const double grpo = best(repeats, [&] {
        optimizer->zero_grad();
        const auto reference = train::rowLogProbs(model, rows, rows.size());
        train::grpoBackward(model, rows, reference, reference, train::GrpoLossOptions{}, rows.size());
        finishStep();
    });
    emit(name, "grpo_step", kPairs, grpo, double(kPairs * (kPrompt + kNewTokens)));
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_peer_project 5M|100M [threads]\n");
        return 2;
    }
    const std::string name = argv[1];
    initTorchRuntime(argc > 2 ? std::atoi(argv[2]) : 2);
    const auto config = configFor(name);
    torch::manual_seed(0);
    model::LlamaModel model(config);
    std::int64_t matmulParams = 0;
    for (const auto &p : model->parameters())
        if (p.dim() == 2)
            matmulParams += p.numel();
    const auto info = runtimeInfo();
    std::printf("{\"side\":\"project\",\"model\":\"%s\",\"row\":\"setup\",\"matmul_params\":%lld,\"threads\":%d,"
                "\"torch\":\"%s\",\"matmul_gflops\":%.2f,\"head_params\":%lld}\n",
                name.c_str(), static_cast<long long>(matmulParams), info.threads, info.torchVersion.c_str(),
                matmulGflops(), static_cast<long long>(config.vocabSize * config.hiddenSize));
    const int repeats = name == "5M" ? 3 : 1;
    const std::string only = argc > 3 ? argv[3] : "";
    if (only.empty() || only == "generation") {
        model->eval();
        benchGeneration(name, *model, repeats);
    }
    if (only.empty() || only == "training") {
        model->train();
        benchTraining(name, *model, repeats);
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("{\"side\":\"project\",\"model\":\"%s\",\"row\":\"peak_rss\",\"mib\":%.1f}\n", name.c_str(),
                usage.ru_maxrss / 1024.0);
    return 0;
}
