// SPDX-License-Identifier: GPL-3.0-or-later
// The memory planner: before a training run starts, an estimate of what it keeps
// in memory at its peak (weights, a DPO/GRPO reference copy, gradients, AdamW
// state, activations, the LM head's [tokens, vocab] tensors, a runtime margin),
// set against the memory present. A plan that does not fit carries the smallest
// sets of changed settings that would (alternatives.h). A pure function of plain
// values, so it runs before any model is loaded and tests need no machine of a
// given size. Torch-free.
#pragma once

#include "train/parameter_count.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::train {

enum class PlanKind { Sft, Dpo, Grpo };
enum class PlanDtype { Float32, BFloat16 };
enum class PlanDevice { Cpu, Cuda };

/// The settings of a run as far as memory goes.
struct MemoryPlanInput {
    ModelShape shape;
    PlanKind kind = PlanKind::Sft;
    // bfloat16 is planned as mixed precision: bfloat16 weights and activations
    // for the passes and, when fully trained, a float32 master copy for the
    // optimizer. The trainers hold float32 weights under bfloat16 autocast on
    // the CPU and CUDA alike, which costs the same.
    PlanDtype dtype = PlanDtype::Float32;
    PlanDevice device = PlanDevice::Cpu;
    std::int64_t loraRank = 0;            // 0 = full fine-tuning
    std::vector<std::string> loraTargets; // with loraRank > 0; empty = all seven linear layers
    std::int64_t microBatch = 4;          // examples (SFT), pairs (DPO) or rows (GRPO) per forward
    std::int64_t gradAccum = 1;           // micro-batches per optimizer step; no memory, kept for the flags
    std::int64_t maxLength = 512;         // tokens per sequence (prompt and completion)
    bool gradientCheckpointing = false;
    bool referenceElsewhere = false;      // DPO/GRPO: the reference is another folder (--ref), or a
                                          // full fine-tuning run resumes (its policy no longer is it)
};

/// One line of the plan.
struct MemoryPlanLine {
    std::string item;  // "policy weights (float32)"
    std::uint64_t bytes = 0;
    std::string note;  // why it is this size, or why it is zero
};

/// Another set of settings that fits, as a user would type it.
struct MemoryAlternative {
    std::string flags;       // "--lora-r 16 --gradient-checkpointing"
    MemoryPlanInput input;   // the changed settings
    std::uint64_t totalBytes = 0;
};

struct MemoryPlan {
    MemoryPlanInput input;
    std::int64_t parameters = 0;
    std::int64_t trainableParameters = 0;
    bool referenceCopy = false;            // a second frozen copy of the weights is resident
    std::vector<MemoryPlanLine> lines;     // in the order printed; the margin is the last
    std::uint64_t totalBytes = 0;          // the sum of the lines
    std::uint64_t availableBytes = 0;
    std::string availableSource;           // "MemAvailable", "CUDA free memory", "--memory"
    bool fits = false;
    std::vector<MemoryAlternative> alternatives; // filled only when it does not fit
};

/// Whether a frozen reference model is held beside the policy for the whole
/// run. SFT: no reference. `referenceElsewhere`: always. Otherwise LoRA: never
/// (the reference is the base with the adapter off). GRPO: yes for full fine-tuning (the KL term reads it every step;
/// rrr_run.cpp loads it whenever beta > 0, the default). DPO: reference
/// log-probs are taken once before the first step and cached
/// (reference_logprobs.h), so the policy is its own reference on a fresh run
/// from one folder (policyServesAsReference in dpo_trainer.h); it is not in
/// bfloat16 (the policy then holds float32 master weights and the reference
/// is loaded in bfloat16), and runDpo keeps that copy until training ends.
bool needsReferenceCopy(const MemoryPlanInput &input);

/// The lines and total of `input`, without alternatives. Throws rlrf::Error
/// naming the field for a size below 1, a negative rank, an unknown target, or
/// a micro-batch above 65,536 or a length above 16,777,216 tokens.
MemoryPlan estimateMemory(const MemoryPlanInput &input);

/// estimateMemory set against `availableBytes` (whose origin `availableSource`
/// names), with alternatives when it does not fit.
MemoryPlan planMemory(const MemoryPlanInput &input, std::uint64_t availableBytes,
                      const std::string &availableSource);

const char *kindName(PlanKind kind);   // "sft", "dpo", "grpo"
const char *dtypeName(PlanDtype dtype); // "float32", "bfloat16"

} // namespace rlrf::train
