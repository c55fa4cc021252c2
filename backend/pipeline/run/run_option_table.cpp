// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/run/run_option_table.h"

#include "core/error.h"
#include "types/lora_config.h"

#include <cstdlib>

namespace rlrf::pipeline {

namespace {

using options::Kind;
using options::kNoLimit;
using O = PipelineOptions;

long long integer(const std::string &text) { return std::strtoll(text.c_str(), nullptr, 10); }
double real(const std::string &text) { return std::strtod(text.c_str(), nullptr); }
std::string number(double v) { return options::formatNumber(v); }
std::string flag(bool on) { return on ? "1" : "0"; }

RunOptionField integerField(std::string name, std::string key, std::string help, double minimum, double maximum,
                            std::function<std::int64_t &(O &)> member)
{
    RunOptionField f;
    f.flag = std::move(name);
    f.valueName = "N";
    f.kind = Kind::Integer;
    f.key = std::move(key);
    f.help = std::move(help);
    f.minimum = minimum;
    f.maximum = maximum;
    f.get = [member](const O &o) { return number(static_cast<double>(member(const_cast<O &>(o)))); };
    f.set = [member](O &o, const std::string &t) { member(o) = integer(t); };
    return f;
}

RunOptionField realField(std::string name, std::string valueName, std::string key, std::string help, double minimum,
                         double maximum, bool minExclusive, std::function<double &(O &)> member)
{
    RunOptionField f;
    f.flag = std::move(name);
    f.valueName = std::move(valueName);
    f.kind = Kind::Real;
    f.key = std::move(key);
    f.help = std::move(help);
    f.minimum = minimum;
    f.maximum = maximum;
    f.minExclusive = minExclusive;
    f.get = [member](const O &o) { return number(member(const_cast<O &>(o))); };
    f.set = [member](O &o, const std::string &t) { member(o) = real(t); };
    return f;
}

RunOptionField switchField(std::string name, std::string key, std::string help, std::function<bool(const O &)> get,
                           std::function<void(O &, bool)> set)
{
    RunOptionField f;
    f.flag = std::move(name);
    f.kind = Kind::Switch;
    f.key = std::move(key);
    f.help = std::move(help);
    f.get = [get](const O &o) { return flag(get(o)); };
    f.set = [set](O &o, const std::string &t) { set(o, t == "1"); };
    return f;
}

RunOptionField textField(std::string name, std::string valueName, std::string key, std::string help, Kind kind,
                         std::vector<std::string> choices, std::function<std::string &(O &)> member)
{
    RunOptionField f;
    f.flag = std::move(name);
    f.valueName = std::move(valueName);
    f.kind = kind;
    f.key = std::move(key);
    f.help = std::move(help);
    f.choices = std::move(choices);
    f.get = [member](const O &o) { return member(const_cast<O &>(o)); };
    f.set = [member](O &o, const std::string &t) { member(o) = t; };
    return f;
}

std::vector<RunOptionField> makeFields()
{
    std::vector<RunOptionField> f;
    {
        RunOptionField it;
        it.flag = "iterations";
        it.valueName = "K";
        it.kind = Kind::Integer;
        it.key = "iterations";
        it.help = "models to train: M0 -> M1 -> ... -> MK";
        it.minimum = 1;
        it.maximum = 100;
        it.get = [](const O &o) { return number(o.iterations); };
        it.set = [](O &o, const std::string &t) { o.iterations = static_cast<int>(integer(t)); };
        f.push_back(it);
    }
    f.push_back(switchField("auto-approve", "auto_approve", "approve every pair at once instead of waiting for review",
                            [](const O &o) { return o.autoApprove; }, [](O &o, bool on) { o.autoApprove = on; }));
    f.push_back(switchField("baseline", "mode",
                            "reward-only baseline: no refinement, same budget, samples ranked by the verifier's reward "
                            "(by overall score without one)",
                            [](const O &o) { return o.mode == PipelineMode::RewardOnly; },
                            [](O &o, bool on) { o.mode = on ? PipelineMode::RewardOnly : PipelineMode::Rlrf; }));
    f.push_back(integerField("prompts", "prompts_per_iteration", "train prompts per iteration", 1, kNoLimit,
                             [](O &o) -> std::int64_t & { return o.promptsPerIteration; }));
    f.push_back(integerField("samples", "samples", "answers sampled per prompt", 2, kNoLimit,
                             [](O &o) -> std::int64_t & { return o.samples; }));
    f.push_back(realField("temperature", "T", "temperature", "sampling temperature", 0, 5, false,
                          [](O &o) -> double & { return o.temperature; }));
    f.push_back(integerField("max-new-tokens", "max_new_tokens", "longest answer in tokens", 1, kNoLimit,
                             [](O &o) -> std::int64_t & { return o.maxNewTokens; }));
    f.push_back(integerField("batch-prompts", "batch_prompts", "prompts per generation call and per store transaction",
                             1, kNoLimit, [](O &o) -> std::int64_t & { return o.batchPrompts; }));
    f.push_back(textField("generator", "SPEC", "generator",
                          "who samples and refines: endpoint:URL#MODEL, an OpenAI-compatible server (none: the local "
                          "policy M_i); training and evaluation stay local",
                          Kind::Text, {}, [](O &o) -> std::string & { return o.generator; }));
    f.push_back(integerField("generator-requests", "generator_requests",
                             "requests in flight at once to the generator endpoint", 1, 256,
                             [](O &o) -> std::int64_t & { return o.generatorRequests; }));
    f.push_back(textField("judge", "SPEC", "judge",
                          "rule:arith, verifier:TASK, model:DIR, endpoint:URL#MODEL (none: the task's)", Kind::Text, {},
                          [](O &o) -> std::string & { return o.judge; }));
    f.push_back(integerField("refinements", "refinements",
                             "refinements of the best imperfect answer per prompt; 0 = none (an ablation)", 0,
                             kNoLimit, [](O &o) -> std::int64_t & { return o.refinements; }));
    {
        RunOptionField rules;
        rules.flag = "pair-rule";
        rules.valueName = "R";
        rules.kind = Kind::List;
        rules.key = "pair_rules";
        rules.help = "which pairs to build; comma-separated";
        rules.choices = knownPairRules();
        rules.get = [](const O &o) { return options::joinList(o.pairRules); };
        rules.set = [](O &o, const std::string &t) { o.pairRules = options::splitList(t); };
        f.push_back(rules);
    }
    f.push_back(realField("delta", "D", "delta", "smallest overall-score gap of a pair", 0, 1, false,
                          [](O &o) -> double & { return o.delta; }));
    {
        auto verified = switchField(
            "verified-chosen", "verified_chosen",
            "only pairs whose chosen answer passes the verifier and whose rejected one fails",
            [](const O &o) { return o.verifiedChosen; }, [](O &o, bool on) { o.verifiedChosen = on; });
        verified.offFlag = "any-chosen";
        verified.offHelp = "pairs by score alone, even where the verifier fails both answers";
        f.push_back(verified);
    }
    f.push_back(switchField("greedy-candidate", "greedy_candidate",
                            "one of the n candidates is the greedy answer (off: all n sampled)",
                            [](const O &o) { return o.greedyCandidate; }, [](O &o, bool on) { o.greedyCandidate = on; }));
    f.push_back(switchField("whole-rejected", "cut_rejected_at_flaw",
                            "train on whole rejected answers (off: cut after the first line the critique flags)",
                            [](const O &o) { return !o.cutRejectedAtFlaw; },
                            [](O &o, bool on) { o.cutRejectedAtFlaw = !on; }));
    f.push_back(integerField("max-pairs", "max_pairs_per_prompt", "most pairs per prompt", 1, kNoLimit,
                             [](O &o) -> std::int64_t & { return o.maxPairsPerPrompt; }));
    f.push_back(realField("sft-epochs", "N", "sft.epochs",
                          "epochs of a supervised pass over the promising answers before DPO; 0 = none", 0, kNoLimit,
                          false, [](O &o) -> double & { return o.sft.epochs; }));
    f.push_back(realField("sft-lr", "X", "sft.learning_rate", "its peak learning rate", 0, kNoLimit, true,
                          [](O &o) -> double & { return o.sft.learningRate; }));
    f.push_back(textField("sft-source", "S", "sft_source",
                          "what the pass learns: pairs (the approved pairs' fully right chosen answers) or pool (every "
                          "fully right answer of the iteration too)",
                          Kind::Choice, {"pairs", "pool"}, [](O &o) -> std::string & { return o.sftSource; }));
    f.push_back(switchField("no-dpo", "dpo_pass",
                            "no DPO: M_{i+1} is the supervised pass's model (an ablation; needs --sft-epochs above 0)",
                            [](const O &o) { return !o.dpoPass; }, [](O &o, bool on) { o.dpoPass = !on; }));
    f.push_back(realField("beta", "B", "dpo.beta", "DPO beta", 0, kNoLimit, true,
                          [](O &o) -> double & { return o.dpo.beta; }));
    f.push_back(realField("lr", "X", "dpo.learning_rate", "DPO peak learning rate", 0, kNoLimit, true,
                          [](O &o) -> double & { return o.dpo.learningRate; }));
    {
        RunOptionField epochs;
        epochs.flag = "epochs";
        epochs.valueName = "N";
        epochs.kind = Kind::Integer;
        epochs.key = "dpo.num_train_epochs";
        epochs.help = "DPO epochs per iteration";
        epochs.minimum = 1;
        epochs.get = [](const O &o) { return number(o.dpo.epochs); };
        epochs.set = [](O &o, const std::string &t) { o.dpo.epochs = static_cast<int>(integer(t)); };
        f.push_back(epochs);
    }
    f.push_back(textField("loss", "L", "dpo.loss_type", "DPO loss", Kind::Choice,
                          {"sigmoid", "ipo", "hinge", "apo_zero", "apo_down"},
                          [](O &o) -> std::string & { return o.dpo.lossType; }));
    f.push_back(realField("nll-weight", "W", "dpo.nll_weight", "weight of an NLL term on the chosen answers", 0,
                          kNoLimit, false, [](O &o) -> double & { return o.dpo.nllWeight; }));
    {
        auto device = textField("device", "DEV", "dpo.device", "cpu, cuda, cuda:1", Kind::Text, {},
                                [](O &o) -> std::string & { return o.dpo.device; });
        device.set = [](O &o, const std::string &t) { o.dpo.device = o.sft.device = t; };
        f.push_back(device);
        auto dtype = textField("dtype", "T", "dpo.dtype", "training precision", Kind::Choice, {"float32", "bfloat16"},
                               [](O &o) -> std::string & { return o.dpo.dtype; });
        dtype.set = [](O &o, const std::string &t) { o.dpo.dtype = o.sft.dtype = t; };
        f.push_back(dtype);
    }
    // LoRA: one adapter on M0, trained by the supervised pass and DPO of every
    // iteration, so each field sets the SFT and the DPO settings together.
    // Keys as train::validate(LoraSettings) names its fields.
    f.push_back(integerField("lora-r", "r",
                             "train a LoRA adapter of rank N on M0 instead of every weight; M1, M2, ... are adapter "
                             "folders (0 = off)",
                             0, kNoLimit, [](O &o) -> std::int64_t & { return o.dpo.lora.rank; }));
    f.back().set = [](O &o, const std::string &t) { o.dpo.lora.rank = o.sft.lora.rank = integer(t); };
    f.push_back(realField("lora-alpha", "A", "lora_alpha", "LoRA alpha; the update is scaled by alpha / r", 0,
                          kNoLimit, true, [](O &o) -> double & { return o.dpo.lora.alpha; }));
    f.back().set = [](O &o, const std::string &t) { o.dpo.lora.alpha = o.sft.lora.alpha = real(t); };
    // Below 1: the table has no exclusive maximum, validate() says so.
    f.push_back(realField("lora-dropout", "P", "lora_dropout",
                          "dropout on the adapter's input while training, below 1", 0, kNoLimit, false,
                          [](O &o) -> double & { return o.dpo.lora.dropout; }));
    f.back().set = [](O &o, const std::string &t) { o.dpo.lora.dropout = o.sft.lora.dropout = real(t); };
    {
        RunOptionField targets;
        targets.flag = "lora-targets";
        targets.valueName = "LIST";
        targets.kind = Kind::List;
        targets.key = "target_modules";
        targets.help = "layers the adapter adapts; comma-separated";
        targets.choices = train::loraTargetableModules();
        targets.choices.push_back("all-linear");
        targets.get = [](const O &o) {
            const auto &modules = o.dpo.lora.targetModules;
            return modules == train::loraTargetableModules() ? std::string("all-linear") : options::joinList(modules);
        };
        // checkValue() has checked each name against the choices.
        targets.set = [](O &o, const std::string &t) {
            o.dpo.lora.targetModules = o.sft.lora.targetModules = train::parseLoraTargets(t, "--lora-targets");
        };
        f.push_back(targets);
    }
    f.push_back(switchField("gradient-checkpointing", "gradient_checkpointing",
                            "recompute each layer's activations in the backward pass: a fraction of the memory for "
                            "about a third more compute",
                            [](const O &o) { return o.dpo.gradientCheckpointing; },
                            [](O &o, bool on) { o.dpo.gradientCheckpointing = o.sft.gradientCheckpointing = on; }));
    {
        RunOptionField seed;
        seed.flag = "seed";
        seed.valueName = "S";
        seed.kind = Kind::Integer;
        seed.key = "seed";
        seed.help = "run seed: prompt order, sampling, DPO shuffling";
        seed.minimum = 0;
        seed.get = [](const O &o) { return std::to_string(o.seed); };
        seed.set = [](O &o, const std::string &t) { o.seed = static_cast<std::uint64_t>(integer(t)); };
        f.push_back(seed);
    }
    f.push_back(integerField("eval-n", "eval_n", "held-out prompts evaluated per model; 0 = no evaluation", 0, kNoLimit,
                             [](O &o) -> std::int64_t & { return o.evalN; }));
    return f;
}

} // namespace

const std::vector<RunOptionField> &runOptionFields()
{
    static const std::vector<RunOptionField> fields = makeFields();
    return fields;
}

PipelineOptions runOptionsFromValues(const std::map<std::string, std::string> &values, const std::string &source)
{
    PipelineOptions o;
    try {
        options::applyValues(runOptionFields(), values, o);
    } catch (const Error &e) {
        throw Error(e.message(), {source, 0, e.source().field});
    }
    validate(o, source);
    return o;
}

std::map<std::string, std::string> runOptionValues(const PipelineOptions &options)
{
    std::map<std::string, std::string> values;
    for (const auto &f : runOptionFields())
        values[f.flag] = f.get(options);
    return values;
}

} // namespace rlrf::pipeline
