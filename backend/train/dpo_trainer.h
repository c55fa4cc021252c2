// SPDX-License-Identifier: GPL-3.0-or-later
// Direct Preference Optimization (Rafailov et al. 2023) of a policy against a frozen
// reference, as TRL's DPOTrainer does it: reference log-probs once (cached), AdamW
// with warm-up and a decaying schedule, gradient accumulation and clipping, metrics
// under TRL's names prefixed "dpo/". Checkpoints are Hugging Face folders
// (<output>/checkpoint-<step>, <output>/final) with a trainer_state.json, written to a
// temporary folder first and renamed, so a crash or a NaN never leaves a broken one.
// Periodic and cancel checkpoints also hold the AdamW state (optimizer.pt) and a
// resume block in trainer_state.json, so a run continues from them exactly where
// it stopped (dpo_resume.h). Torch-free facade.
#pragma once

#include "core/progress.h"
#include "core/run_context.h"
#include "train/dpo_trainer_pairs.h"
#include "types/dpo_config.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rlrf::model {
class Policy;
}

namespace rlrf::train {

struct DpoResult {
    Outcome outcome = Outcome::Failed;
    std::string message;                  // why it failed or stopped; empty on success
    std::int64_t steps = 0;               // optimizer steps done, those before a resume included
    std::int64_t resumedFromStep = 0;     // the checkpoint's step when resumed, else 0
    std::int64_t totalSteps = 0;          // planned
    std::int64_t referenceComputedPairs = 0;
    std::string checkpoint;               // last checkpoint folder written (empty: none)
    std::map<std::string, double> metrics; // the last step's "dpo/..." metrics
};

// Loads the policy (trainable) and the reference (frozen; the policy's folder when
// `referenceFolder` is empty) with config.device / config.dtype and trains.
// Configuration and input errors throw rlrf::Error before training starts; what
// happens during training (NaN, cancel) is reported in the result.
//
// `resumeFrom` (a checkpoint-<step> folder of an earlier run) continues that run:
// its weights replace the policy's, its AdamW state and step are restored, and the
// steps after it follow the same plan, schedule and metric step numbers as an
// uninterrupted run. Pass the original policy and reference folders, settings and
// pairs; a checkpoint trained with other settings (save_steps and the cache folder
// aside), pairs or reference, or one without optimizer state, is refused with an
// rlrf::Error naming its trainer_state.json (or optimizer.pt) and the field.
DpoResult runDpo(const DpoConfig &config, const std::string &policyFolder, const std::string &referenceFolder,
                 const std::vector<DpoPair> &pairs, const std::string &outputFolder, const RunContext &context,
                 const std::string &resumeFrom = {});

// Whether the loaded policy can serve as its own frozen reference, so no second
// copy is loaded: the same folder (an empty `referenceFolder` means the
// policy's), a fresh run (every reference log-prob is taken before the first
// update; a resumed policy is no longer the reference), and the same dtype
// (in bfloat16 the policy holds float32 master weights, unless only an adapter
// trains on a frozen bfloat16 base).
bool policyServesAsReference(const DpoConfig &config, const std::string &policyFolder,
                             const std::string &referenceFolder, const std::string &resumeFrom);

// What a policy carrying a LoRA adapter is as its own reference.
enum class AdapterReference {
    // The base with the adapter switched off, as TRL does with a PEFT model:
    // `rlrf dpo --lora-r N`, whose adapter starts at zero anyway.
    Base,
    // The policy as it stands before the first step, adapter on: an RLRF
    // iteration's DPO against the model it starts from (the adapter trained by
    // the supervised pass and earlier iterations), as in full fine-tuning.
    Start,
};

// The same on already loaded models; `policy` is trained in place. The reference's
// identity for the cache comes from `referenceFolder` (with AdapterReference::Start
// also from the adapter's starting values).
DpoResult trainDpo(const DpoConfig &config, const model::Policy &policy, const model::Policy &reference,
                   const std::string &referenceFolder, const std::vector<DpoPair> &pairs,
                   const std::string &outputFolder, const RunContext &context, const std::string &resumeFrom = {},
                   AdapterReference adapterReference = AdapterReference::Base);

} // namespace rlrf::train
