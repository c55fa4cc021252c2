// SPDX-License-Identifier: GPL-3.0-or-later
// The project's side of bench/peer_compare.sh: the same work as bench/peer_torch.py
// (the PyTorch-eager peer) on a random Llama of the same shape, timed with the
// project's own code paths: the generator, the DPO micro-step, the SFT batch and
// loss and the GRPO backward, each split into shards side by side as its trainer
// splits it on a CPU, AdamW. One JSON object a line on stdout; the script
// joins both sides into one table. Inputs are the token formula both sides share
// (benchToken), so both do exactly the same work.
// Usage: bench_peer_project 5M|100M [threads] [generation|training|check] [--device cpu|cuda]
//                           [--dtype float32|bfloat16]
// Without a mode both generation and training run. --device and --dtype (default
// cpu and float32, today's rows exactly) put the model there in that dtype: on
// CUDA every timing ends with a synchronisation, the setup row names the device
// and dtype, and the last row is the peak GPU memory (peak_gpu) instead of the
// peak RSS. `check` times nothing: it compares greedy ids and per-token log-probs
// of that device and dtype against float32 on the CPU (bench/gpu_check.sh).
#include <torch/cuda.h>
#include <torch/torch.h>

#ifdef RLRF_BENCH_CUDA_STATS // bench/gpu_check.sh sets it: a CUDA LibTorch links c10_cuda
#include <c10/cuda/CUDACachingAllocator.h>
#endif

#include "core/allocator_tuning.h"
#include "core/runtime_info.h"
#include "core/torch_compat.h"
#include "model/generator.h"
#include "model/llama_model.h"
#include "model/logprobs.h"
#include "model/lora.h"
#include "model/ordered_jobs.h"
#include "train/batching.h"
#include "train/dpo_trainer_step.h"
#include "train/grpo_step.h"
#include "train/optimizer_factory.h"
#include "train/sharded_backward.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>
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

// Where the model runs; on CUDA every timed call ends with a synchronisation.
torch::Device g_device = torch::kCPU;
torch::ScalarType g_dtype = torch::kFloat32;

void synchronize()
{
    if (g_device.is_cuda())
        torch::cuda::synchronize();
}

double seconds(const std::function<void()> &fn)
{
    const auto start = std::chrono::steady_clock::now();
    fn();
    synchronize();
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

// The torch::mm rate: float32 1024² on the CPU; on CUDA 4096² in the run's dtype.
double matmulGflops()
{
    torch::NoGradGuard noGrad;
    const std::int64_t n = g_device.is_cuda() ? 4096 : 1024;
    const auto options = torch::TensorOptions().device(g_device).dtype(g_device.is_cuda() ? g_dtype : torch::kFloat32);
    const auto a = torch::randn({n, n}, options), b = torch::randn({n, n}, options);
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
    // The DPO, SFT and GRPO trainers split a micro-batch into one shard per
    // intra-op thread on a CPU and run each shard on its own thread
    // (sharded_backward.h); the rows do the same, so they time the trainers' path.
    const auto shards = train::trainingShards(g_device);
    std::optional<model::SingleIntraOpThread> oneThread;
    if (shards > 1)
        oneThread.emplace();
    const double dpo = best(repeats, [&] {
        optimizer->zero_grad();
        train::DpoStepOptions dpoOptions; // bf16 on CUDA under autocast, as the DPO trainer runs it
        dpoOptions.bf16Autocast = g_device.is_cuda() && g_dtype == torch::kBFloat16;
        dpoOptions.autocastOnCuda = g_device.is_cuda();
        dpoOptions.shards = shards;
        train::dpoMicroStep(model, batch, dpoOptions);
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
    const auto parameters = model::trainableParameters(model);
    std::int64_t answerTokens = 0;
    for (const auto &e : examples)
        answerTokens += static_cast<std::int64_t>(e.answerIds.size());
    const double sft = best(repeats, [&] {
        optimizer->zero_grad();
        const auto parts = std::min<std::size_t>(shards, indices.size());
        train::backwardInShards(parameters, parts, [&](std::size_t s) {
            const auto [begin, end] = train::shardRange(indices.size(), parts, s);
            const std::vector<std::size_t> part(indices.begin() + static_cast<std::ptrdiff_t>(begin),
                                                indices.begin() + static_cast<std::ptrdiff_t>(end));
            const auto b = train::makeSftBatch(examples, part, vocab, model.config().maxPositionEmbeddings);
            return train::nllSum(train::answerLogits(model, b), train::answerTargets(b))
                   / static_cast<double>(answerTokens);
        });
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
    // The trainer takes the reference log-probs on every intra-op thread and
    // holds one thread per shard only for the update.
    oneThread.reset();
    const double grpo = best(repeats, [&] {
        optimizer->zero_grad();
        const auto reference = train::rowLogProbs(model, rows, rows.size());
        std::optional<model::SingleIntraOpThread> updateThread;
        if (shards > 1)
            updateThread.emplace();
        train::grpoBackward(model, rows, reference, reference, train::GrpoLossOptions{}, rows.size(), shards);
        finishStep();
    });
    emit(name, "grpo_step", kPairs, grpo, double(kPairs * (kPrompt + kNewTokens)));
}

// `check`: greedy ids and per-token log-probs of the run's device and dtype against
// float32 on the CPU, the same weights and prompts. One JSON row; the thresholds
// live in bench/gpu_check.sh.
// Spread of the check's matrices: 0.8 / sqrt(hidden size), a gain of about 0.8 a
// matrix product whatever the width (0.05 at 5M, 0.029 at 100M). At 5M the float32
// reference then puts a mean log-prob of about -4.4 on its own greedy tokens
// (uniform: -6.9; LibTorch's default init: 0, a certainty).
double checkInitStd(const model::ModelConfig &config)
{
    return 0.8 / std::sqrt(double(config.hiddenSize));
}

void checkAgainstCpuFloat32(const std::string &name, const model::ModelConfig &config)
{
    torch::NoGradGuard noGrad;
    torch::manual_seed(0);
    model::LlamaModel reference(config);
    model::LlamaModel tested(config);
    {
        // LibTorch's default init (embeddings N(0, 1)) makes a tied-head Llama
        // repeat its input with probability 1, which every dtype agrees on; the
        // matrices drawn with a small spread instead give soft next-token
        // distributions where rounding shows. Both models get the same weights.
        auto from = reference->parameters();
        auto to = tested->parameters();
        for (std::size_t i = 0; i < from.size(); ++i) {
            if (from[i].dim() == 2)
                from[i].normal_(0.0, checkInitStd(config));
            to[i].copy_(from[i]);
        }
    }
    tested->to(g_device, g_dtype);
    reference->eval();
    tested->eval();

    const auto vocab = config.vocabSize;
    constexpr std::int64_t kRows = 8;
    model::TokenRows prompts;
    for (std::int64_t r = 0; r < kRows; ++r)
        prompts.push_back(tokens(r, kPrompt, 5, vocab));
    model::GenerationOptions options;
    options.sampling.temperature = 0; // greedy, no EOS: every row makes all its tokens
    options.maxNewTokens = kNewTokens;
    const auto expected = model::generate(*reference, prompts, options);
    const auto got = model::generate(*tested, prompts, options);

    // Greedy ids: the tokens that agree before each row's first divergence.
    std::int64_t agreed = 0, total = 0, diverged = 0, firstDivergence = kNewTokens;
    model::TokenRows tiePrompts, tieExpected, tieGot;
    for (std::int64_t r = 0; r < kRows; ++r) {
        const auto &a = expected.sequences[r].tokens;
        const auto &b = got.sequences[r].tokens;
        std::size_t k = 0;
        while (k < a.size() && k < b.size() && a[k] == b[k])
            ++k;
        agreed += static_cast<std::int64_t>(k);
        total += static_cast<std::int64_t>(a.size());
        if (k < a.size()) {
            ++diverged;
            firstDivergence = std::min(firstDivergence, static_cast<std::int64_t>(k));
            auto prefix = prompts[r];
            prefix.insert(prefix.end(), a.begin(), a.begin() + static_cast<std::ptrdiff_t>(k));
            tiePrompts.push_back(prefix);
            tieExpected.push_back({a[k]});
            tieGot.push_back({k < b.size() ? b[k] : a[k]});
        }
    }
    // At each divergence, how far apart the float32 reference put the two picks: a
    // near-tie (a small gap) is rounding; a large one is a wrong result.
    double maxTieGap = 0;
    if (!tiePrompts.empty()) {
        const auto a = model::completionLogProbsNoGrad(*reference, tiePrompts, tieExpected);
        const auto b = model::completionLogProbsNoGrad(*reference, tiePrompts, tieGot);
        for (std::size_t i = 0; i < a.size(); ++i)
            maxTieGap = std::max(maxTieGap, double(a[i][0]) - double(b[i][0]));
    }

    // Log-probs: both models score the reference's greedy completions, token by token.
    model::TokenRows completions;
    for (const auto &sequence : expected.sequences)
        completions.push_back(sequence.tokens);
    const auto a = model::completionLogProbsNoGrad(*reference, prompts, completions);
    const auto b = model::completionLogProbsNoGrad(*tested, prompts, completions);
    double maxDiff = 0, sumDiff = 0, sumLogp = 0;
    std::int64_t count = 0;
    for (std::size_t r = 0; r < a.size(); ++r)
        for (std::size_t j = 0; j < a[r].size(); ++j) {
            const double d = std::abs(double(a[r][j]) - double(b[r][j]));
            maxDiff = std::max(maxDiff, d);
            sumDiff += d;
            sumLogp += a[r][j];
            ++count;
        }
    std::printf("{\"side\":\"project\",\"model\":\"%s\",\"row\":\"check\",\"device\":\"%s\",\"dtype\":\"%s\","
                "\"reference\":\"cpu float32\",\"rows\":%lld,\"tokens\":%lld,\"greedy_agree\":%.4f,"
                "\"rows_diverged\":%lld,\"first_divergence\":%lld,\"max_tie_gap\":%.4f,"
                "\"logp_max_abs_diff\":%.5f,\"logp_mean_abs_diff\":%.5f,\"reference_mean_logp\":%.4f}\n",
                name.c_str(), g_device.str().c_str(), g_dtype == torch::kBFloat16 ? "bfloat16" : "float32", static_cast<long long>(kRows),
                static_cast<long long>(total), total ? double(agreed) / double(total) : 1.0,
                static_cast<long long>(diverged), static_cast<long long>(firstDivergence), maxTieGap, maxDiff,
                count ? sumDiff / double(count) : 0.0, count ? sumLogp / double(count) : 0.0);
    std::fflush(stdout);
}

double peakGpuMib()
{
#ifdef RLRF_BENCH_CUDA_STATS
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(g_device.has_index() ? g_device.index() : 0);
    return double(stats.allocated_bytes[0].peak) / (1024.0 * 1024.0); // [0]: StatType::AGGREGATE
#else
    return -1; // LibTorch without c10_cuda: not measured
#endif
}

[[noreturn]] void printUsage()
{
    std::fprintf(stderr, "usage: bench_peer_project 5M|100M [threads] [generation|training|check] "
                         "[--device cpu|cuda] [--dtype float32|bfloat16]\n");
    std::exit(2);
}

} // namespace

int main(int argc, char **argv)
{
    rlrf::keepFreedMemoryForReuse(); // as rlrf and rlrf-workbench do
    std::vector<std::string> positional;
    std::string deviceName = "cpu", dtypeName = "float32";
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--device") == 0 && i + 1 < argc)
            deviceName = argv[++i];
        else if (std::strcmp(argv[i], "--dtype") == 0 && i + 1 < argc)
            dtypeName = argv[++i];
        else if (argv[i][0] == '-')
            printUsage();
        else
            positional.push_back(argv[i]);
    }
    if (positional.empty())
        printUsage();
    if (dtypeName == "float32")
        g_dtype = torch::kFloat32;
    else if (dtypeName == "bfloat16")
        g_dtype = torch::kBFloat16;
    else
        printUsage();
    try {
        g_device = torch::Device(deviceName);
    } catch (const c10::Error &) {
        printUsage();
    }
    if (g_device.is_cuda() && !torch::cuda::is_available()) {
        std::fprintf(stderr, "bench_peer_project: --device %s but this LibTorch sees no CUDA device\n",
                     deviceName.c_str());
        return 2;
    }
    const bool defaults = g_device.is_cpu() && g_dtype == torch::kFloat32; // today's rows, field for field
    const std::string name = positional[0];
    initTorchRuntime(positional.size() > 1 ? std::atoi(positional[1].c_str()) : 2);
    const std::string only = positional.size() > 2 ? positional[2] : "";
    if (!only.empty() && only != "generation" && only != "training" && only != "check")
        printUsage();
    const auto config = configFor(name);
    if (only == "check") {
        checkAgainstCpuFloat32(name, config);
        return 0;
    }
    torch::manual_seed(0);
    model::LlamaModel model(config);
    std::int64_t matmulParams = 0;
    for (const auto &p : model->parameters())
        if (p.dim() == 2)
            matmulParams += p.numel();
    model->to(g_device, g_dtype);
    const auto info = runtimeInfo();
    const std::string where = defaults ? std::string()
                                       : ",\"device\":\"" + g_device.str() + "\",\"dtype\":\"" + dtypeName + "\"";
    std::printf("{\"side\":\"project\",\"model\":\"%s\",\"row\":\"setup\",\"matmul_params\":%lld,\"threads\":%d,"
                "\"torch\":\"%s\",\"matmul_gflops\":%.2f,\"head_params\":%lld%s}\n",
                name.c_str(), static_cast<long long>(matmulParams), info.threads, info.torchVersion.c_str(),
                matmulGflops(), static_cast<long long>(config.vocabSize * config.hiddenSize), where.c_str());
    const int repeats = name == "5M" ? 3 : 1;
#ifdef RLRF_BENCH_CUDA_STATS
    if (g_device.is_cuda())
        c10::cuda::CUDACachingAllocator::resetPeakStats(g_device.has_index() ? g_device.index() : 0);
#endif
    if (only.empty() || only == "generation") {
        model->eval();
        benchGeneration(name, *model, repeats);
    }
    if (only.empty() || only == "training") {
        model->train();
        benchTraining(name, *model, repeats);
    }
    if (g_device.is_cuda()) {
        std::printf("{\"side\":\"project\",\"model\":\"%s\",\"row\":\"peak_gpu\",\"mib\":%.1f}\n", name.c_str(),
                    peakGpuMib());
        return 0;
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("{\"side\":\"project\",\"model\":\"%s\",\"row\":\"peak_rss\",\"mib\":%.1f}\n", name.c_str(),
                usage.ru_maxrss / 1024.0);
    return 0;
}
