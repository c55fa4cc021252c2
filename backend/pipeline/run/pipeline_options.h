// SPDX-License-Identifier: GPL-3.0-or-later
// Every setting of an RLRF run (METHOD.md §1) with a JSON round trip: the run
// record stores them, so a resumed run continues with exactly the settings it
// started with. Defaults are the recipe measured on the arith demo
// (docs/rlrf-demo-findings.md). Torch-free.
#pragma once

#include "types/dpo_config.h"
#include "types/train_config.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::pipeline {

/// "rlrf": sample, critique, refine, pairs from samples and refinements.
/// "reward_only": the paper's ablation — no refinement; pairs from the unrefined
/// samples ranked by their overall score alone.
enum class PipelineMode { Rlrf, RewardOnly };

std::string toString(PipelineMode mode);
PipelineMode parsePipelineMode(const std::string &text);

struct PipelineOptions {
    PipelineMode mode = PipelineMode::Rlrf;
    int iterations = 2;

    // sample (D_y)
    // Train prompts, fresh ones each iteration while they last. On the demo model
    // 256 per iteration moved accuracy by less than the seed spread, whatever the
    // loss; 2,048 give the supervised pass enough answers to learn from.
    std::int64_t promptsPerIteration = 2048;
    std::int64_t samples = 4;               // n candidates per prompt
    double temperature = 0.8;
    double topP = 0.95;
    // One of the n candidates is the greedy answer, the one evaluation scores
    // (the other n - 1 are sampled). Off by default: on the demo model it did
    // not change what DPO or the supervised pass gained (docs/rlrf-demo-findings.md).
    bool greedyCandidate = false;
    std::int64_t maxNewTokens = 64;
    std::int64_t batchPrompts = 32;         // prompts per generation call and per store transaction

    // Who writes the samples and the refinements: empty = the local policy M_i;
    // "endpoint:URL#MODEL" = an OpenAI-compatible server (vLLM, llama.cpp server),
    // asked with the same conversations and settings (pipeline/run/stage_generation.h).
    // Training and evaluation stay local, on the project's model. The server
    // serves one model and a run does not swap it: iterations after the first
    // sample from it, not from M_i (off-policy pairs).
    std::string generator;
    std::int64_t generatorRequests = 8;     // requests in flight at once to the generator endpoint

    // critique
    std::string judge;                      // a judge spec; empty = the task's default (rule:arith, verifier:TASK)

    // select + refine (D_z)
    std::int64_t selectTopK = 1;            // best imperfect candidates per prompt that get refined
    // m refinements per selected candidate; 0 turns refinement off (the
    // "without refinement" ablation: pairs and the pass from the samples alone).
    std::int64_t refinements = 2;
    double refineTemperature = 0.8;

    // pairs + review
    std::vector<std::string> pairRules = {"best_worst", "refined_vs_original"};
    // Minimum overall-score gap of a pair. METHOD.md's 0.25 is wider than one
    // flawed step moves a score on the demo task (0.1 with the default rubric),
    // which left a few pairs per hundred prompts.
    double delta = 0.1;
    // Chosen must pass the verifier and rejected fail it, when the judge has one:
    // two wrong answers ranked by score make a pair that teaches nothing.
    bool verifiedChosen = true;
    // DPO sees a rejected answer only up to the first line its critique flags:
    // what follows a slip is often right given the slip, and pushing it down
    // unlearns correct steps. RLRF mode only; the reward-only baseline has a
    // scalar, not a located flaw.
    bool cutRejectedAtFlaw = true;
    std::int64_t maxPairsPerPrompt = 4;     // over all rules
    bool autoApprove = false;

    // train: a supervised pass over the promising answers (epochs 0 turns it
    // off), then DPO against the model that pass produced. What the pass learns
    // (sft_stage.h): "pairs", the approved pairs' promising chosen answers;
    // "pool", every promising answer of the iteration's pool too.
    train::SftConfig sft = defaultSft();
    std::string sftSource = "pool";
    train::DpoConfig dpo = defaultDpo();
    // Off: M_{i+1} is the supervised pass's model, no DPO (the "supervised pass
    // only" ablation, which shows what DPO adds on top of the pass).
    bool dpoPass = true;
    // LoRA (sft.lora == dpo.lora, validate() holds them equal) and gradient
    // checkpointing live in the trainers' settings, which store them only when
    // set: a run stored before them reads back as full fine-tuning, as it ran.
    // With a rank, iteration 0's supervised pass attaches one adapter to M0 and
    // every later pass trains that adapter on; each M_i (i >= 1) is a PEFT
    // adapter folder whose base is M0's folder (pipeline/train/dpo_stage.h).

    // evaluate
    std::string evalSplit = "test";
    std::int64_t evalN = 200;
    std::int64_t evalMaxNewTokens = 96;

    std::uint64_t seed = 1;

    static train::SftConfig defaultSft();
    static train::DpoConfig defaultDpo();
};

/// Whether the run's settings ask for the supervised pass (epochs 0 and no
/// max_steps turn it off).
bool supervisedPassEnabled(const PipelineOptions &options);

/// Whether a run refines answers: RLRF mode with at least one refinement.
bool refinesAnswers(const PipelineOptions &options);

/// What a run is, for people comparing runs: "RLRF", "baseline", or RLRF
/// with its parts named that it leaves out ("RLRF without refinement, DPO").
std::string variantName(const PipelineOptions &options);

/// variantName() of a run's stored settings; settings that do not read are
/// named by their mode alone ("baseline" or "RLRF").
std::string variantNameOfStored(const std::string &settingsJson);

/// Every pair rule the pair stage knows (pair_rules.h).
const std::vector<std::string> &knownPairRules();

nlohmann::json toJson(const PipelineOptions &options);
/// Reads a run's stored settings. Unknown keys and wrong types are errors naming
/// the key; missing keys keep their defaults, except those added later, which
/// read as the behaviour before them: a run stored before "greedy_candidate",
/// "sft" and "sft_source" existed resumes without the greedy candidate and the
/// supervised pass, as it started.
/// Validates the result.
PipelineOptions pipelineOptionsFromJson(const nlohmann::json &object, const std::string &source);
/// Throws rlrf::Error naming the first field out of range.
void validate(const PipelineOptions &options, const std::string &source = "pipeline options");

} // namespace rlrf::pipeline
