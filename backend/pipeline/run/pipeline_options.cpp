// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/run/pipeline_options.h"

#include "core/error.h"
#include "core/json_io.h"
#include "feedback/endpoint_spec.h"

#include <algorithm>
#include <cmath>

namespace rlrf::pipeline {

std::string toString(PipelineMode mode)
{
    return mode == PipelineMode::Rlrf ? "rlrf" : "reward_only";
}

PipelineMode parsePipelineMode(const std::string &text)
{
    if (text == "rlrf")
        return PipelineMode::Rlrf;
    if (text == "reward_only")
        return PipelineMode::RewardOnly;
    throw Error("unknown pipeline mode '" + text + "' (rlrf, reward_only)", {"", 0, "mode"});
}

train::SftConfig PipelineOptions::defaultSft()
{
    // On, over the pool's promising answers: on the demo model, 2,048 prompts per
    // iteration, this pass then IPO raised M2 in every seed and above the
    // reward-only baseline (docs/rlrf-demo-findings.md). 1e-4 was the best rate of
    // one pool of 1,024 prompts; 2e-4 and 3e-4 lost.
    train::SftConfig sft;
    sft.learningRate = 1e-4;
    sft.epochs = 4;
    sft.batchSize = 8;
    sft.schedule = train::ScheduleKind::Cosine;
    return sft;
}

train::DpoConfig PipelineOptions::defaultDpo()
{
    train::DpoConfig dpo;
    // Measured on the demo model (docs/rlrf-demo-findings.md): 5e-5 with an NLL
    // term on the chosen answers; DPO alone at 1e-5 moved nothing, at 1e-4 it
    // unlearned arithmetic. After the supervised pass, sigmoid DPO at β 0.1 lost
    // 2-7 points and IPO at β 0.5 lost the least. A model of billions of
    // parameters wants a far smaller rate (TRL's 5e-7 is `rlrf dpo`'s default).
    dpo.lossType = "ipo";
    dpo.beta = 0.5;
    dpo.learningRate = 5e-5;
    dpo.nllWeight = 1.0;
    dpo.epochs = 2;
    dpo.batchSize = 8;
    dpo.warmupRatio = 0.1;
    dpo.schedule = "cosine";
    return dpo;
}

bool supervisedPassEnabled(const PipelineOptions &options)
{
    return options.sft.epochs > 0.0 || options.sft.maxSteps > 0;
}

bool refinesAnswers(const PipelineOptions &options)
{
    return options.mode == PipelineMode::Rlrf && options.refinements > 0;
}

std::string variantName(const PipelineOptions &options)
{
    if (options.mode == PipelineMode::RewardOnly)
        return "baseline";
    std::vector<std::string> without;
    if (options.refinements == 0)
        without.push_back("refinement");
    if (!supervisedPassEnabled(options))
        without.push_back("supervised pass");
    if (!options.dpoPass)
        without.push_back("DPO");
    std::string name = "RLRF";
    for (std::size_t i = 0; i < without.size(); ++i)
        name += (i == 0 ? " without " : ", ") + without[i];
    return name;
}

std::string variantNameOfStored(const std::string &settingsJson)
{
    const auto json = nlohmann::json::parse(settingsJson, nullptr, false);
    try {
        return variantName(pipelineOptionsFromJson(json, "run settings"));
    } catch (const std::exception &) {
        const bool baseline = json.is_object() && json.value("mode", std::string()) == toString(PipelineMode::RewardOnly);
        return baseline ? "baseline" : "RLRF";
    }
}

const std::vector<std::string> &knownPairRules()
{
    static const std::vector<std::string> rules = {"best_worst", "refined_vs_original", "all_above_delta", "pareto"};
    return rules;
}

nlohmann::json toJson(const PipelineOptions &o)
{
    return {{"mode", toString(o.mode)},
            {"iterations", o.iterations},
            {"prompts_per_iteration", o.promptsPerIteration},
            {"samples", o.samples},
            {"temperature", o.temperature},
            {"top_p", o.topP},
            {"greedy_candidate", o.greedyCandidate},
            {"max_new_tokens", o.maxNewTokens},
            {"batch_prompts", o.batchPrompts},
            {"generator", o.generator},
            {"generator_requests", o.generatorRequests},
            {"judge", o.judge},
            {"select_top_k", o.selectTopK},
            {"refinements", o.refinements},
            {"refine_temperature", o.refineTemperature},
            {"pair_rules", o.pairRules},
            {"delta", o.delta},
            {"verified_chosen", o.verifiedChosen},
            {"cut_rejected_at_flaw", o.cutRejectedAtFlaw},
            {"max_pairs_per_prompt", o.maxPairsPerPrompt},
            {"auto_approve", o.autoApprove},
            {"sft", train::toJson(o.sft)},
            {"sft_source", o.sftSource},
            {"dpo", train::toJson(o.dpo)},
            {"dpo_pass", o.dpoPass},
            {"eval_split", o.evalSplit},
            {"eval_n", o.evalN},
            {"eval_max_new_tokens", o.evalMaxNewTokens},
            {"seed", o.seed}};
}

namespace {

void require(bool ok, const std::string &what, const std::string &source, const char *field)
{
    if (!ok)
        throw Error(what, {source, 0, field});
}

// The SFT reader wants epochs above 0; here 0 means "no supervised pass".
train::SftConfig sftFromJson(const nlohmann::json &object, const std::string &source)
{
    const bool off = object.is_object() && object.contains("epochs") && object["epochs"].is_number()
                     && object["epochs"].get<double>() == 0.0 && object.value("max_steps", 0) == 0;
    if (!off)
        return train::sftConfigFromJson(object, source);
    auto on = object;
    on["epochs"] = 1.0;
    auto config = train::sftConfigFromJson(on, source);
    config.epochs = 0.0;
    return config;
}

// One adapter is trained through the whole run (the supervised pass and DPO of
// every iteration), so both trainers must describe the same one.
void validateLora(const PipelineOptions &o, const std::string &source)
{
    const auto &sft = o.sft.lora, &dpo = o.dpo.lora;
    require(sft.rank == dpo.rank && sft.alpha == dpo.alpha && sft.dropout == dpo.dropout
                && sft.targetModules == dpo.targetModules && sft.useRslora == dpo.useRslora,
            "the supervised pass and DPO train one adapter: their LoRA settings must be the same", source,
            "sft.lora");
    require(o.sft.gradientCheckpointing == o.dpo.gradientCheckpointing,
            "the supervised pass and DPO share one gradient_checkpointing setting", source,
            "sft.gradient_checkpointing");
}

} // namespace

PipelineOptions pipelineOptionsFromJson(const nlohmann::json &object, const std::string &source)
{
    if (!object.is_object())
        throw Error("pipeline options must be a JSON object", {source});
    const auto known = toJson(PipelineOptions{});
    for (const auto &item : object.items())
        if (!known.contains(item.key()))
            throw Error("unknown setting", {source, 0, item.key()});
    PipelineOptions o;
    std::string mode = toString(o.mode);
    json::readOptional(object, "mode", mode, source);
    try {
        o.mode = parsePipelineMode(mode);
    } catch (const Error &e) {
        throw Error(e.message(), {source, 0, "mode"});
    }
    json::readOptional(object, "iterations", o.iterations, source);
    json::readOptional(object, "prompts_per_iteration", o.promptsPerIteration, source);
    json::readOptional(object, "samples", o.samples, source);
    json::readOptional(object, "temperature", o.temperature, source);
    json::readOptional(object, "top_p", o.topP, source);
    json::readOptional(object, "greedy_candidate", o.greedyCandidate, source);
    json::readOptional(object, "max_new_tokens", o.maxNewTokens, source);
    json::readOptional(object, "batch_prompts", o.batchPrompts, source);
    // Missing in runs stored before remote generation: the local policy, as they ran.
    json::readOptional(object, "generator", o.generator, source);
    json::readOptional(object, "generator_requests", o.generatorRequests, source);
    json::readOptional(object, "judge", o.judge, source);
    json::readOptional(object, "select_top_k", o.selectTopK, source);
    json::readOptional(object, "refinements", o.refinements, source);
    json::readOptional(object, "refine_temperature", o.refineTemperature, source);
    json::readOptional(object, "pair_rules", o.pairRules, source);
    json::readOptional(object, "delta", o.delta, source);
    json::readOptional(object, "verified_chosen", o.verifiedChosen, source);
    json::readOptional(object, "cut_rejected_at_flaw", o.cutRejectedAtFlaw, source);
    json::readOptional(object, "max_pairs_per_prompt", o.maxPairsPerPrompt, source);
    json::readOptional(object, "auto_approve", o.autoApprove, source);
    // A run stored before the supervised pass existed ran without it, and one
    // stored before "sft_source" learned from its pairs: it resumes as it started.
    o.sft.epochs = 0;
    o.sftSource = "pairs";
    if (const auto it = object.find("sft"); it != object.end())
        o.sft = sftFromJson(*it, source + " (sft)");
    json::readOptional(object, "sft_source", o.sftSource, source);
    if (const auto it = object.find("dpo"); it != object.end())
        o.dpo = train::dpoConfigFromJson(*it, source + " (dpo)");
    json::readOptional(object, "dpo_pass", o.dpoPass, source);
    json::readOptional(object, "eval_split", o.evalSplit, source);
    json::readOptional(object, "eval_n", o.evalN, source);
    json::readOptional(object, "eval_max_new_tokens", o.evalMaxNewTokens, source);
    json::readOptional(object, "seed", o.seed, source);
    validate(o, source);
    return o;
}

void validate(const PipelineOptions &o, const std::string &source)
{
    require(o.iterations >= 1 && o.iterations <= 100, "must be between 1 and 100", source, "iterations");
    require(o.promptsPerIteration >= 1, "must be at least 1", source, "prompts_per_iteration");
    require(o.samples >= 2, "must be at least 2 (pairs need two candidates)", source, "samples");
    require(std::isfinite(o.temperature) && o.temperature >= 0.0 && o.temperature <= 5.0,
            "must be between 0 and 5", source, "temperature");
    require(std::isfinite(o.topP) && o.topP > 0.0 && o.topP <= 1.0, "must be in (0, 1]", source, "top_p");
    require(o.maxNewTokens >= 1, "must be at least 1", source, "max_new_tokens");
    require(o.batchPrompts >= 1, "must be at least 1", source, "batch_prompts");
    if (!o.generator.empty()) {
        require(feedback::isEndpointSpec(o.generator),
                "unknown generator '" + o.generator + "' (endpoint:URL#MODEL, or empty: the local policy M_i)", source,
                "generator");
        try {
            (void)feedback::parseEndpointSpec(o.generator, "generator");
        } catch (const Error &e) {
            throw Error(e.message(), {source, 0, "generator"});
        }
    }
    require(o.generatorRequests >= 1 && o.generatorRequests <= 256, "must be between 1 and 256", source,
            "generator_requests");
    require(o.selectTopK >= 1, "must be at least 1", source, "select_top_k");
    require(o.refinements >= 0, "must not be negative (0: no refinement)", source, "refinements");
    require(std::isfinite(o.refineTemperature) && o.refineTemperature >= 0.0 && o.refineTemperature <= 5.0,
            "must be between 0 and 5", source, "refine_temperature");
    require(!o.pairRules.empty(), "name at least one pair rule", source, "pair_rules");
    for (const auto &rule : o.pairRules) {
        const auto &known = knownPairRules();
        require(std::find(known.begin(), known.end(), rule) != known.end(),
                "unknown pair rule '" + rule + "' (best_worst, refined_vs_original, all_above_delta, pareto)", source,
                "pair_rules");
    }
    require(std::isfinite(o.delta) && o.delta >= 0.0 && o.delta <= 1.0, "must be between 0 and 1", source, "delta");
    require(o.maxPairsPerPrompt >= 1, "must be at least 1", source, "max_pairs_per_prompt");
    require(o.evalSplit == "train" || o.evalSplit == "validation" || o.evalSplit == "test",
            "must be train, validation or test", source, "eval_split");
    require(o.evalN >= 0, "must not be negative", source, "eval_n");
    require(o.evalMaxNewTokens >= 1, "must be at least 1", source, "eval_max_new_tokens");
    // epochs 0 (and no max_steps) turns the supervised pass off.
    require(std::isfinite(o.sft.epochs) && o.sft.epochs >= 0.0, "must not be negative", source, "sft.epochs");
    if (supervisedPassEnabled(o))
        train::validate(o.sft, source + " (sft)");
    require(o.sftSource == "pairs" || o.sftSource == "pool", "must be pairs or pool", source, "sft_source");
    train::validate(o.dpo, source + " (dpo)");
    require(o.dpoPass || supervisedPassEnabled(o),
            "without DPO the supervised pass must run (sft.epochs above 0): nothing would train", source,
            "dpo_pass");
    validateLora(o, source);
}

} // namespace rlrf::pipeline
