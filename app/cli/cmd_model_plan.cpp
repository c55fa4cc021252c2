// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf model plan`: whether a training run of a model folder fits in memory,
// before anything is loaded. Argument translation only; the estimate is
// backend/train/memory_plan.h. Exit 0 when it fits, 3 when it does not.
#include "cli/command_registry.h"

#include "core/error.h"
#include "model/model_config.h"
#include "train/available_memory.h"
#include "train/memory_plan.h"
#include "train/memory_plan_text.h"

#include <cmath>
#include <filesystem>
#include <iostream>

namespace {

using rlrf::cli::CommandSpec;
using rlrf::cli::ParsedArgs;
using rlrf::cli::UsageError;
namespace train = rlrf::train;

// The exit code of a plan that does not fit: not a usage mistake (2) nor bad
// input (1), so a script can tell it apart.
constexpr int kDoesNotFit = 3;

// The planner's own limits (memory_plan.h), checked here so that a number out
// of range is a usage mistake naming the flag.
std::int64_t number(const ParsedArgs &args, const std::string &name, std::int64_t fallback, std::int64_t least,
                    std::int64_t most)
{
    const auto v = args.intValue(name, fallback);
    if (v < least || v > most)
        throw UsageError("--" + name + " must be between " + std::to_string(least) + " and " + std::to_string(most)
                         + ", got " + std::to_string(v));
    return v;
}

train::PlanKind kindOf(const std::string &name)
{
    if (name == "sft") return train::PlanKind::Sft;
    if (name == "dpo") return train::PlanKind::Dpo;
    if (name == "grpo") return train::PlanKind::Grpo;
    throw UsageError("--kind must be sft, dpo or grpo, got '" + name + "'");
}

train::PlanDtype dtypeOf(const std::string &name)
{
    if (name == "float32") return train::PlanDtype::Float32;
    if (name == "bfloat16") return train::PlanDtype::BFloat16;
    throw UsageError("--dtype must be float32 or bfloat16, got '" + name + "'");
}

train::PlanDevice deviceOf(const std::string &name)
{
    if (name == "cpu") return train::PlanDevice::Cpu;
    if (name == "cuda" || name.rfind("cuda:", 0) == 0) return train::PlanDevice::Cuda;
    throw UsageError("--device must be cpu or cuda, got '" + name + "'");
}

train::MemoryPlanInput planInput(const ParsedArgs &args, const rlrf::model::ModelConfig &config)
{
    train::MemoryPlanInput in;
    in.shape = train::shapeOf(config);
    in.kind = kindOf(args.value("kind", "sft"));
    in.dtype = dtypeOf(args.value("dtype", "float32"));
    in.device = deviceOf(args.value("device", "cpu"));
    in.loraRank = number(args, "lora-r", 0, 0, 1 << 20);
    if (args.has("lora-targets")) {
        if (in.loraRank == 0)
            throw UsageError("--lora-targets needs --lora-r N");
        try {
            in.loraTargets = train::parseLoraTargets(args.value("lora-targets"));
        } catch (const rlrf::Error &e) {
            throw UsageError(e.what());
        }
    }
    in.microBatch = number(args, "batch-size", in.microBatch, 1, 1 << 16);
    in.gradAccum = number(args, "grad-accum", in.gradAccum, 1, std::int64_t(1) << 40);
    in.maxLength = number(args, "max-length", in.maxLength, 1, 1 << 24);
    in.gradientCheckpointing = args.has("gradient-checkpointing");
    return in;
}

// --memory GIB when given; else MemAvailable on the CPU. CUDA's free memory
// needs LibTorch, which the CLI never includes, so there it must be given.
std::pair<std::uint64_t, std::string> availableMemory(const ParsedArgs &args, train::PlanDevice device)
{
    if (args.has("memory")) {
        const double gib = args.doubleValue("memory", 0.0);
        if (!(gib > 0.0) || gib > 1e9)
            throw UsageError("--memory must be a number of GiB above 0, got '" + args.value("memory") + "'");
        return {static_cast<std::uint64_t>(std::llround(gib * 1024.0 * 1024.0 * 1024.0)), "--memory"};
    }
    if (device == train::PlanDevice::Cuda)
        throw UsageError("--device cuda needs --memory GIB, the GPU's free memory (nvidia-smi shows it)");
    const auto bytes = train::cpuAvailableBytes();
    if (!bytes)
        throw rlrf::Error("cannot read MemAvailable; pass --memory GIB", {"/proc/meminfo"});
    return {*bytes, "MemAvailable"};
}

int runPlan(const ParsedArgs &args)
{
    const std::filesystem::path model(args.required("model"));
    const auto config = rlrf::model::loadModelConfig(
        std::filesystem::is_directory(model) ? (model / "config.json").string() : model.string());
    const auto in = planInput(args, config);
    const auto [available, source] = availableMemory(args, in.device);
    const auto plan = train::planMemory(in, available, source);
    std::cout << train::formatMemoryPlan(plan);
    if (plan.fits)
        return 0;
    std::cerr << "rlrf model plan: " << train::memoryRefusal(plan).what() << "\n";
    return kDoesNotFit;
}

const rlrf::cli::RegisterCommand registerPlan{CommandSpec{
    "model plan",
    "estimate whether a training run of a model fits in memory (no weights loaded)",
    "rlrf model plan --model DIR [--kind sft|dpo|grpo] [--lora-r N] [--lora-targets LIST] [--dtype T] "
    "[--device cpu|cuda] [--batch-size N] [--grad-accum N] [--max-length N] [--gradient-checkpointing] "
    "[--memory GIB]",
    {{"model", "DIR", "a Hugging Face model folder, or its config.json"},
     {"kind", "KIND", "sft, dpo or grpo (default sft)"},
     {"lora-r", "N", "LoRA rank; 0 (default) = full fine-tuning"},
     {"lora-targets", "LIST", "comma list of q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj, or all (default)"},
     {"dtype", "T", "float32 (default) or bfloat16 weights"},
     {"device", "D", "cpu (default) or cuda; cuda needs --memory"},
     {"batch-size", "N", "examples, pairs (dpo) or rows (grpo) per micro-batch (default 4)"},
     {"grad-accum", "N", "micro-batches per optimizer step (default 1; no memory, kept in suggestions)"},
     {"max-length", "N", "tokens per sequence, prompt and completion (default 512)"},
     {"gradient-checkpointing", "", "keep only each layer's input and recompute the rest in the backward pass"},
     {"memory", "GIB", "memory to plan against (default: MemAvailable of /proc/meminfo)"}},
    0,
    0,
    "Reads only config.json. Prints one line per item (policy weights, float32\n"
    "master weights in bfloat16, a reference copy where DPO or GRPO keeps one,\n"
    "gradients, AdamW moments, activations, the LM head's [tokens, vocab] tensors,\n"
    "a runtime margin) with bytes and GiB, the total against the memory present,\n"
    "and `fits: yes` (exit 0) or `fits: no` (exit 3) followed by the smallest sets\n"
    "of flags that would fit. An estimate: fused attention (LibTorch 2.x) and DPO's\n"
    "completion-only LM head need less than it counts.",
    runPlan}};

} // namespace
