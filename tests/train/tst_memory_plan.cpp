// SPDX-License-Identifier: GPL-3.0-or-later
// The memory planner (train/memory_plan.h): parameter counts against published
// figures, LoRA counts against hand-derived ones, the activation formula on a
// shape small enough to add up by hand, the direction of each setting
// (checkpointing lowers activations, bfloat16 lowers weights), the fit and refuse
// decisions of the two cases, and that every suggested alternative fits by
// the planner's own numbers.
//
// Fixtures: tests/fixtures/model_configs (published config.json files, see its
// README); resources/models/arith-demo (the shipped demo model, whose
// safetensors header gives its real parameter count). Published counts:
// Qwen2.5-0.5B 494,032,768 and Llama-3-8B 8,030,261,248 (Llama-3.1-8B has the
// same shape), SmolLM2-135M 134,515,008 — the totals of their safetensors
// files on the Hugging Face Hub. Llama-3-8B with LoRA r=16 on all seven linear
// layers has 41,943,040 trainable parameters, the figure PEFT prints.
#include "common/error_assert.h"
#include "common/test_paths.h"
#include "model/model_config.h"
#include "model/model_info.h"
#include "train/activation_memory.h"
#include "train/available_memory.h"
#include "train/memory_alternatives.h"
#include "train/memory_plan.h"
#include "train/memory_plan_text.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <set>
#include <sstream>

using namespace rlrf::train;

namespace {

constexpr std::uint64_t kGiB = 1ull << 30;

ModelShape fixtureShape(const char *file)
{
    const auto path = rlrf::test::sourceDir() + QStringLiteral("/tests/fixtures/model_configs/") + QString::fromUtf8(file);
    return shapeOf(rlrf::model::loadModelConfig(path.toStdString()));
}

ModelShape qwen05b() { return fixtureShape("qwen2.5-0.5b.json"); }
ModelShape llama8b() { return fixtureShape("llama-3.1-8b.json"); }

std::uint64_t lineBytes(const MemoryPlan &plan, const std::string &prefix)
{
    for (const auto &line : plan.lines)
        if (line.item.rfind(prefix, 0) == 0)
            return line.bytes;
    qWarning("no line starting with %s", prefix.c_str());
    return ~0ull;
}

bool hasLine(const MemoryPlan &plan, const std::string &prefix)
{
    for (const auto &line : plan.lines)
        if (line.item.rfind(prefix, 0) == 0)
            return true;
    return false;
}

std::uint64_t activations(const MemoryPlan &plan)
{
    return lineBytes(plan, "activations: layers") + lineBytes(plan, "activations: attention");
}

// The flag names of an alternative: "--lora-r 16 --dtype bfloat16" -> {--lora-r, --dtype}.
std::set<std::string> flagNames(const std::string &flags)
{
    std::set<std::string> names;
    std::istringstream words(flags);
    std::string w;
    while (words >> w)
        if (w.rfind("--", 0) == 0)
            names.insert(w);
    return names;
}

// A spread of runs that do not fit: both published shapes, every kind, both
// dtypes, with and without LoRA, against small and middling memories.
std::vector<std::pair<MemoryPlanInput, std::uint64_t>> runsThatDoNotFit()
{
    std::vector<std::pair<MemoryPlanInput, std::uint64_t>> runs;
    for (const auto &shape : {qwen05b(), llama8b()})
        for (const auto kind : {PlanKind::Sft, PlanKind::Dpo, PlanKind::Grpo})
            for (const auto dtype : {PlanDtype::Float32, PlanDtype::BFloat16})
                for (const std::int64_t rank : {0, 64})
                    for (const std::uint64_t gib : {4ull, 12ull, 24ull, 80ull}) {
                        MemoryPlanInput in;
                        in.shape = shape;
                        in.kind = kind;
                        in.dtype = dtype;
                        in.device = PlanDevice::Cuda;
                        in.loraRank = rank;
                        in.microBatch = 12;
                        in.gradAccum = 2;
                        in.maxLength = 1024;
                        if (estimateMemory(in).totalBytes > gib * kGiB)
                            runs.emplace_back(in, gib * kGiB);
                    }
    return runs;
}

} // namespace

class TestMemoryPlan : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void publishedParameterCounts_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<qint64>("parameters");
        QTest::newRow("Qwen2.5-0.5B") << QStringLiteral("qwen2.5-0.5b.json") << qint64(494032768);
        QTest::newRow("Llama-3(.1)-8B") << QStringLiteral("llama-3.1-8b.json") << qint64(8030261248);
        QTest::newRow("SmolLM2-135M") << QStringLiteral("smollm2-135m.json") << qint64(134515008);
    }

    void publishedParameterCounts()
    {
        QFETCH(QString, file);
        QFETCH(qint64, parameters);
        QCOMPARE(qint64(parameterCount(fixtureShape(file.toUtf8().constData()))), parameters);
    }

    void handBuiltShapesCountAsPublished()
    {
        // The shapes written out, not read: a wrong config reader would
        // not hide a wrong formula.
        const ModelShape qwen{24, 896, 4864, 14, 2, 64, 151936, true, true, false};
        const ModelShape llama{32, 4096, 14336, 32, 8, 128, 128256, false, false, false};
        QCOMPARE(parameterCount(qwen), std::int64_t(494032768));
        QCOMPARE(parameterCount(llama), std::int64_t(8030261248));
    }

    void parameterCountMatchesTheShippedWeights()
    {
        const auto folder = rlrf::test::sourceDir() + QStringLiteral("/resources/models/arith-demo");
        const auto info = rlrf::model::describeModelFolder(folder.toStdString());
        const auto shape = shapeOf(rlrf::model::loadModelConfig((folder + QStringLiteral("/config.json")).toStdString()));
        QCOMPARE(parameterCount(shape), info.at("parameters").get<std::int64_t>());
    }

    void loraCounts()
    {
        // Qwen2.5-0.5B, per layer, r * (in + out): q 16*(896+896) = 28,672,
        // k and v 16*(896+128) = 16,384 each, o 28,672, gate and up
        // 16*(896+4864) = 92,160 each, down 92,160: 366,592; x 24 layers.
        QCOMPARE(loraParameterCount(qwen05b(), 16, loraTargetNames()), std::int64_t(8798208));
        // q and v at r=8: 8*(896+896) + 8*(896+128) = 22,528 per layer.
        QCOMPARE(loraParameterCount(qwen05b(), 8, {"q_proj", "v_proj"}), std::int64_t(540672));
        QCOMPARE(loraParameterCount(qwen05b(), 8, {"v_proj", "q_proj", "q_proj"}), std::int64_t(540672));
        QCOMPARE(loraParameterCount(llama8b(), 16, loraTargetNames()), std::int64_t(41943040));
        QCOMPARE(loraParameterCount(llama8b(), 0, loraTargetNames()), std::int64_t(0));
        QCOMPARE(parseLoraTargets("all"), loraTargetNames());
        QCOMPARE(parseLoraTargets("q_proj,down_proj"), (std::vector<std::string>{"q_proj", "down_proj"}));
        RLRF_VERIFY_THROWS_WITH(loraParameterCount(qwen05b(), 8, {"qkv_proj"}), "unknown LoRA target 'qkv_proj'");
        RLRF_VERIFY_THROWS_WITH(parseLoraTargets("q_proj,,v_proj"), "'lora_targets'");
        RLRF_VERIFY_THROWS_WITH(parseLoraTargets(""), "unknown LoRA target ''");
    }

    void loraPlanTrainsOnlyTheAdapter()
    {
        MemoryPlanInput in;
        in.shape = qwen05b();
        in.loraRank = 16; // no targets: all seven
        const auto plan = estimateMemory(in);
        QCOMPARE(plan.trainableParameters, std::int64_t(8798208));
        QCOMPARE(plan.input.loraTargets, loraTargetNames());
        QCOMPARE(lineBytes(plan, "gradients"), std::uint64_t(8798208) * 4);
        QCOMPARE(lineBytes(plan, "AdamW"), std::uint64_t(8798208) * 8);
        QCOMPARE(lineBytes(plan, "LoRA adapter"), std::uint64_t(8798208) * 4);
    }

    void activationFormulaByHand()
    {
        // D 8, F 16, H 2 query heads and 1 kv head of K 4 (Q 8, R 4), V 10, 2
        // layers; one sequence of 3 tokens in float32. Per token and layer:
        // (2Q + 2R + 4F) * 4 = 88 * 4 = 352 bytes, two norms of 4D + 2D*4 = 96:
        // 544. Layers: 544 * 3 * 2 = 3,264, final norm 96 * 3 = 288: 3,552.
        // Probabilities 1 * 2 * 3 * 3 * 4 = 72 per layer, x 2, + the scores
        // of the layer at work 72: 216. Head 3 tokens * 10 * 3 * 4 = 360.
        const ModelShape s{2, 8, 16, 2, 1, 4, 10, false, false, false};
        const auto full = activationBytes(s, 1, 3, 4, false);
        QCOMPARE(full.layers, std::uint64_t(3552));
        QCOMPARE(full.attention, std::uint64_t(216));
        QCOMPARE(full.head, std::uint64_t(360));
        // Checkpointed: layer inputs 2 * 3 * 8 * 4 = 192, one layer 544 * 3 =
        // 1,632, final norm 288: 2,112; one layer's probabilities and scores 144.
        const auto kept = activationBytes(s, 1, 3, 4, true);
        QCOMPARE(kept.layers, std::uint64_t(2112));
        QCOMPARE(kept.attention, std::uint64_t(144));
        QCOMPARE(kept.head, std::uint64_t(360));
        // bfloat16: (88 * 2) + 2 * (32 + 32) = 304 per token and layer; the
        // probabilities gain their bfloat16 copy: 1 * 2 * 9 * 6 = 108.
        const auto half = activationBytes(s, 1, 3, 2, false);
        QCOMPARE(half.layers, std::uint64_t(304 * 3 * 2 + 64 * 3));
        QCOMPARE(half.attention, std::uint64_t(108 * 2 + 72));
        QCOMPARE(half.head, std::uint64_t(360));
    }

    void hugeSettingsSaturateInsteadOfWrapping()
    {
        MemoryPlanInput in;
        in.shape = llama8b();
        in.kind = PlanKind::Dpo;
        in.microBatch = std::int64_t(1) << 16; // the largest accepted
        in.maxLength = std::int64_t(1) << 24;
        const auto plan = planMemory(in, 80 * kGiB, "--memory");
        QVERIFY(!plan.fits);
        QCOMPARE(plan.totalBytes, ~std::uint64_t(0));
    }

    void checkpointingLowersActivations()
    {
        for (const auto &shape : {qwen05b(), llama8b()})
            for (const auto kind : {PlanKind::Sft, PlanKind::Dpo, PlanKind::Grpo}) {
                MemoryPlanInput in;
                in.shape = shape;
                in.kind = kind;
                in.microBatch = 2;
                in.maxLength = 256;
                auto kept = in;
                kept.gradientCheckpointing = true;
                QVERIFY(activations(estimateMemory(kept)) < activations(estimateMemory(in)));
                QVERIFY(estimateMemory(kept).totalBytes < estimateMemory(in).totalBytes);
                QCOMPARE(lineBytes(estimateMemory(kept), "LM head"), lineBytes(estimateMemory(in), "LM head"));
            }
    }

    void bfloat16LowersWeightsAndActivations()
    {
        for (const std::int64_t rank : {0, 16}) {
            MemoryPlanInput in;
            in.shape = llama8b();
            in.loraRank = rank;
            auto half = in;
            half.dtype = PlanDtype::BFloat16;
            const auto f32 = estimateMemory(in), bf16 = estimateMemory(half);
            QCOMPARE(lineBytes(bf16, "policy weights") * 2, lineBytes(f32, "policy weights"));
            QVERIFY(activations(bf16) < activations(f32));
            // Fully trained, bfloat16 needs float32 master weights on top; with
            // LoRA the frozen base needs none, so the whole plan shrinks.
            QCOMPARE(lineBytes(bf16, "float32 master"), rank == 0 ? std::uint64_t(8030261248) * 4 : 0);
            if (rank > 0)
                QVERIFY(bf16.totalBytes < f32.totalBytes);
        }
    }

    void referenceCopyFollowsTheTrainers()
    {
        MemoryPlanInput in;
        in.shape = qwen05b();
        in.kind = PlanKind::Sft;
        QVERIFY(!hasLine(estimateMemory(in), "reference"));
        in.kind = PlanKind::Dpo; // a fresh float32 run: the policy is its own reference
        QCOMPARE(lineBytes(estimateMemory(in), "reference"), std::uint64_t(0));
        in.dtype = PlanDtype::BFloat16; // float32 policy under autocast, bfloat16 reference (CPU and CUDA)
        QCOMPARE(lineBytes(estimateMemory(in), "reference"), std::uint64_t(494032768) * 2);
        in.device = PlanDevice::Cuda;
        QCOMPARE(lineBytes(estimateMemory(in), "reference"), std::uint64_t(494032768) * 2);
        in.loraRank = 16; // the base with the adapter off
        QCOMPARE(lineBytes(estimateMemory(in), "reference"), std::uint64_t(0));
        in.kind = PlanKind::Grpo;
        QCOMPARE(lineBytes(estimateMemory(in), "reference"), std::uint64_t(0));
        in.loraRank = 0; // the KL term reads a frozen copy every step
        QCOMPARE(lineBytes(estimateMemory(in), "reference"), std::uint64_t(494032768) * 2);
        in.kind = PlanKind::Dpo; // --ref names another folder: loaded even with LoRA
        in.device = PlanDevice::Cpu;
        in.dtype = PlanDtype::Float32;
        in.loraRank = 16;
        in.referenceElsewhere = true;
        QCOMPARE(lineBytes(estimateMemory(in), "reference"), std::uint64_t(494032768) * 4);
    }

    void full8BInFloat32IsRefusedAndLoraSuggested_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("sft") << int(PlanKind::Sft);
        QTest::newRow("dpo") << int(PlanKind::Dpo);
        QTest::newRow("grpo") << int(PlanKind::Grpo);
    }

    void full8BInFloat32IsRefusedAndLoraSuggested()
    {
        QFETCH(int, kind);
        MemoryPlanInput in;
        in.shape = llama8b();
        in.kind = static_cast<PlanKind>(kind);
        in.microBatch = 1;
        in.maxLength = 512;
        const auto plan = planMemory(in, 24 * kGiB, "MemAvailable");
        // Weights, gradients and two moments alone: 16 bytes a parameter, 120 GiB.
        QVERIFY(lineBytes(plan, "policy weights") + lineBytes(plan, "gradients") + lineBytes(plan, "AdamW")
                == std::uint64_t(8030261248) * 16);
        QVERIFY(!plan.fits);
        QVERIFY(!plan.alternatives.empty());
        for (const auto &a : plan.alternatives)
            QVERIFY2(a.flags.find("--lora-r 16") != std::string::npos, a.flags.c_str());
        const std::string message = memoryRefusal(plan).what();
        QVERIFY2(message.find("not enough memory") != std::string::npos, message.c_str());
        QVERIFY2(message.find("--lora-r 16") != std::string::npos, message.c_str());
        QVERIFY2(message.find("24.00 GiB is available (MemAvailable)") != std::string::npos, message.c_str());
        const auto text = formatMemoryPlan(plan);
        QVERIFY2(text.find("fits: no\nsettings that would fit:\n") != std::string::npos, text.c_str());
    }

    void lora05BFitsIn24GiB_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("sft") << int(PlanKind::Sft);
        QTest::newRow("dpo") << int(PlanKind::Dpo);
        QTest::newRow("grpo") << int(PlanKind::Grpo);
    }

    void lora05BFitsIn24GiB()
    {
        QFETCH(int, kind);
        MemoryPlanInput in;
        in.shape = qwen05b();
        in.kind = static_cast<PlanKind>(kind);
        in.loraRank = 16;
        in.microBatch = 8;
        in.maxLength = 128;
        const auto plan = planMemory(in, 24 * kGiB, "MemAvailable");
        QVERIFY2(plan.fits, formatMemoryPlan(plan).c_str());
        QVERIFY(plan.alternatives.empty());
        const auto text = formatMemoryPlan(plan);
        QVERIFY2(text.find("fits: yes") != std::string::npos, text.c_str());
        QVERIFY2(text.find("policy weights (float32)") != std::string::npos, text.c_str());
        QVERIFY2(text.find("24.00 GiB") != std::string::npos, text.c_str());
    }

    void everyAlternativeFitsByThePlannersOwnNumbers()
    {
        const auto runs = runsThatDoNotFit();
        QVERIFY(runs.size() > 20);
        int withAlternatives = 0;
        for (const auto &[in, available] : runs) {
            const auto plan = planMemory(in, available, "--memory");
            QVERIFY(!plan.fits);
            withAlternatives += plan.alternatives.empty() ? 0 : 1;
            std::vector<std::set<std::string>> earlier;
            for (const auto &a : plan.alternatives) {
                const auto again = planMemory(a.input, available, "--memory");
                QVERIFY2(again.fits, a.flags.c_str());
                QCOMPARE(again.totalBytes, a.totalBytes);
                QCOMPARE(a.flags, changedFlags(in, a.input));
                // The effective batch is kept; the shape and kind are not touched.
                QCOMPARE(a.input.microBatch * a.input.gradAccum, in.microBatch * in.gradAccum);
                QCOMPARE(a.input.kind, in.kind);
                QCOMPARE(parameterCount(a.input.shape), parameterCount(in.shape));
                // No alternative adds changes to an earlier one.
                const auto names = flagNames(a.flags);
                for (const auto &e : earlier)
                    QVERIFY2(!std::includes(names.begin(), names.end(), e.begin(), e.end()), a.flags.c_str());
                earlier.push_back(names);
            }
        }
        QVERIFY(withAlternatives > 10);
    }

    void preferredChangesComeFirst()
    {
        // Qwen2.5-0.5B, full SFT, 8 x 2048 in 16 GiB: checkpointing with a
        // smaller micro-batch fits, and is offered before a shorter length,
        // which trains on less of each example.
        MemoryPlanInput in;
        in.shape = qwen05b();
        in.microBatch = 8;
        in.maxLength = 2048;
        const auto plan = planMemory(in, 16 * kGiB, "--memory");
        QVERIFY(!plan.fits);
        QVERIFY(plan.alternatives.size() >= 2);
        QCOMPARE(plan.alternatives.front().flags.find("--max-length"), std::string::npos);
        QVERIFY(plan.alternatives.back().flags.find("--max-length") != std::string::npos);
    }

    void nothingFitsNamesTheLeanestSettings()
    {
        MemoryPlanInput in;
        in.shape = llama8b();
        const auto plan = planMemory(in, 2 * kGiB, "--memory");
        QVERIFY(plan.alternatives.empty());
        const std::string message = memoryRefusal(plan).what();
        QVERIFY2(message.find("no tried setting fits: even --lora-r 16 --gradient-checkpointing --dtype bfloat16 "
                              "--batch-size 1 --grad-accum 4 --max-length 128 needs ")
                     != std::string::npos,
                 message.c_str());
        const auto leanest = estimateMemory(leanestSettings(in));
        QVERIFY(leanest.totalBytes > 2 * kGiB);
        QVERIFY(leanest.totalBytes < plan.totalBytes);
    }

    void badSettingsNameTheField()
    {
        MemoryPlanInput in;
        in.shape = qwen05b();
        auto bad = in;
        bad.microBatch = 0;
        RLRF_VERIFY_THROWS_WITH(estimateMemory(bad), "'batch_size': memory plan: must be between 1 and 65536, found 0");
        bad.microBatch = 65537;
        RLRF_VERIFY_THROWS_WITH(estimateMemory(bad), "'batch_size'");
        bad = in;
        bad.maxLength = 0;
        RLRF_VERIFY_THROWS_WITH(estimateMemory(bad), "'max_length'");
        bad.maxLength = (1 << 24) + 1;
        RLRF_VERIFY_THROWS_WITH(estimateMemory(bad), "'max_length'");
        bad = in;
        bad.gradAccum = 0;
        RLRF_VERIFY_THROWS_WITH(estimateMemory(bad), "'gradient_accumulation'");
        bad = in;
        bad.loraRank = -1;
        RLRF_VERIFY_THROWS_WITH(estimateMemory(bad), "'lora_r'");
        bad = in;
        bad.shape.layers = 0;
        RLRF_VERIFY_THROWS_WITH(estimateMemory(bad), "'num_hidden_layers': model shape: must be at least 1, found 0");
    }

    void memAvailableIsReadFromMeminfo()
    {
        const std::string meminfo = "MemTotal:       24576000 kB\n"
                                    "MemFree:         1234567 kB\n"
                                    "MemAvailable:   20000000 kB\n"
                                    "Buffers:          123456 kB\n";
        QCOMPARE(parseMemAvailable(meminfo), std::optional<std::uint64_t>(20000000ull * 1024));
        QCOMPARE(parseMemAvailable("MemTotal: 1 kB\n"), std::optional<std::uint64_t>());
        QCOMPARE(parseMemAvailable("MemAvailable: lots kB\n"), std::optional<std::uint64_t>());
        QCOMPARE(parseMemAvailable("MemAvailable: 12 MB\n"), std::optional<std::uint64_t>());
        QCOMPARE(cpuAvailableBytes("/nonexistent/meminfo"), std::optional<std::uint64_t>());
#ifdef __linux__
        QVERIFY(cpuAvailableBytes().value_or(0) > 0);
#endif
    }

    void gibFormatting()
    {
        QCOMPARE(formatGiB(kGiB), std::string("1.00"));
        QCOMPARE(formatGiB(24 * kGiB + kGiB / 2), std::string("24.50"));
        QCOMPARE(formatGiB(0), std::string("0.00"));
    }
};

QTEST_GUILESS_MAIN(TestMemoryPlan)
#include "tst_memory_plan.moc"
