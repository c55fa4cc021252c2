// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/memory_plan.h"

#include "core/error.h"
#include "train/activation_memory.h"
#include "train/memory_alternatives.h"

namespace rlrf::train {
namespace {

// The program, LibTorch's own buffers and the allocator's cache and
// fragmentation: a fixed part plus a share of everything else.
constexpr std::uint64_t kMarginFixedBytes = 512ull << 20;
constexpr std::uint64_t kMarginPercent = 10;

// Upper limits far past any real run, so the search for alternatives (which
// walks the divisors of the micro-batch) stays short; within them the
// arithmetic saturates instead of wrapping.
constexpr std::int64_t kMaxMicroBatch = 1 << 16;
constexpr std::int64_t kMaxLength = 1 << 24;

void requireWithin(std::int64_t value, std::int64_t least, std::int64_t most, const char *field)
{
    if (value < least || value > most)
        throw Error("memory plan: must be between " + std::to_string(least) + " and " + std::to_string(most)
                        + ", found " + std::to_string(value),
                    {"", 0, field});
}

std::uint64_t weightBytes(PlanDtype dtype) { return dtype == PlanDtype::BFloat16 ? 2 : 4; }

std::uint64_t u64(std::int64_t v) { return static_cast<std::uint64_t>(v); }

void add(MemoryPlan &plan, std::string item, std::uint64_t bytes, std::string note = {})
{
    plan.lines.push_back({std::move(item), bytes, std::move(note)});
    plan.totalBytes = saturatingAdd(plan.totalBytes, bytes);
}

void addWeights(MemoryPlan &plan)
{
    const auto &in = plan.input;
    const std::string dtype = dtypeName(in.dtype);
    add(plan, "policy weights (" + dtype + ")", saturatingMul(u64(plan.parameters), weightBytes(in.dtype)));
    if (in.loraRank > 0)
        add(plan, "LoRA adapter (float32)", saturatingMul(u64(plan.trainableParameters), 4),
            "r=" + std::to_string(in.loraRank) + " on " + std::to_string(in.loraTargets.size()) + " linear layers");
    if (in.dtype == PlanDtype::BFloat16)
        add(plan, "float32 master weights", in.loraRank > 0 ? 0 : saturatingMul(u64(plan.parameters), 4),
            in.loraRank > 0 ? "none: the frozen base stays in bfloat16, the adapter is float32"
                            : "the optimizer updates a float32 copy; bfloat16 is what the passes use");
    if (in.kind == PlanKind::Sft)
        return;
    std::string why;
    if (in.referenceElsewhere)
        why = "another model than the policy's start";
    else if (plan.referenceCopy)
        why = in.kind == PlanKind::Grpo ? "read every step by the KL term (beta > 0)" : "loaded beside the float32 policy";
    else if (in.loraRank > 0)
        why = "none: the base with the adapter off is the reference";
    else if (in.kind == PlanKind::Dpo)
        why = "none: the policy is its own reference, its log-probs cached before the first step";
    add(plan, "reference model (" + dtype + ")",
        plan.referenceCopy ? saturatingMul(u64(plan.parameters), weightBytes(in.dtype)) : 0, why);
}

void addTraining(MemoryPlan &plan)
{
    const auto &in = plan.input;
    const auto trainable = u64(plan.trainableParameters);
    add(plan, "gradients (float32)", saturatingMul(trainable, 4));
    add(plan, "AdamW moments (2 x float32)", saturatingMul(trainable, 8));
    // DPO runs chosen and rejected of each pair through one forward pass.
    const auto sequences = saturatingMul(u64(in.microBatch), in.kind == PlanKind::Dpo ? 2 : 1);
    const auto a = activationBytes(in.shape, sequences, u64(in.maxLength), weightBytes(in.dtype),
                                   in.gradientCheckpointing);
    const std::string shape = std::to_string(sequences) + " x " + std::to_string(in.maxLength) + " tokens";
    add(plan, "activations: layers", a.layers,
        shape + (in.gradientCheckpointing ? ", checkpointed: layer inputs + one layer" : ", every layer"));
    add(plan, "activations: attention scores", a.attention, "[sequences, heads, T, T] float32");
    add(plan, "LM head: logits, log-softmax, gradient", a.head, "3 x [tokens, vocab] float32");
}

} // namespace

const char *kindName(PlanKind kind)
{
    switch (kind) {
    case PlanKind::Sft: return "sft";
    case PlanKind::Dpo: return "dpo";
    case PlanKind::Grpo: return "grpo";
    }
    return "?";
}

const char *dtypeName(PlanDtype dtype) { return dtype == PlanDtype::BFloat16 ? "bfloat16" : "float32"; }

bool needsReferenceCopy(const MemoryPlanInput &in)
{
    if (in.kind == PlanKind::Sft)
        return false;
    if (in.referenceElsewhere)
        return true;
    if (in.loraRank > 0)
        return false;
    if (in.kind == PlanKind::Grpo)
        return true;
    return in.dtype == PlanDtype::BFloat16; // float32 master weights: the bfloat16 reference is a copy
}

MemoryPlan estimateMemory(const MemoryPlanInput &input)
{
    requireWithin(input.microBatch, 1, kMaxMicroBatch, "batch_size");
    requireWithin(input.gradAccum, 1, std::int64_t(1) << 40, "gradient_accumulation");
    requireWithin(input.maxLength, 1, kMaxLength, "max_length");
    requireWithin(input.loraRank, 0, std::int64_t(1) << 20, "lora_r");
    MemoryPlan plan;
    plan.input = input;
    if (plan.input.loraRank > 0 && plan.input.loraTargets.empty())
        plan.input.loraTargets = loraTargetNames();
    plan.parameters = parameterCount(input.shape);
    plan.trainableParameters = input.loraRank > 0
        ? loraParameterCount(input.shape, input.loraRank, plan.input.loraTargets)
        : plan.parameters;
    plan.referenceCopy = needsReferenceCopy(plan.input);
    addWeights(plan);
    addTraining(plan);
    const auto margin = saturatingAdd(kMarginFixedBytes, plan.totalBytes / 100 * kMarginPercent);
    add(plan, "runtime margin", margin, "512 MiB + 10%: the program, LibTorch, allocator slack");
    return plan;
}

MemoryPlan planMemory(const MemoryPlanInput &input, std::uint64_t availableBytes, const std::string &availableSource)
{
    auto plan = estimateMemory(input);
    plan.availableBytes = availableBytes;
    plan.availableSource = availableSource;
    plan.fits = plan.totalBytes <= availableBytes;
    if (!plan.fits)
        plan.alternatives = memoryAlternatives(plan.input, availableBytes);
    return plan;
}

} // namespace rlrf::train
