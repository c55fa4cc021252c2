// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/rrr/rrr_option_table.h"

#include "core/error.h"
#include "pipeline/rrr/rrr_task_factory.h"
#include "types/lora_config.h"

#include <cstdlib>

namespace rlrf::rrr {

namespace {

using options::Kind;
using R = RrrRunRequest;

std::string number(double v) { return options::formatNumber(v); }

RrrOptionField integerField(std::string name, std::string valueName, std::string key, std::string help,
                            double minimum, std::function<std::int64_t &(RrrConfig &)> member)
{
    RrrOptionField f;
    f.flag = std::move(name);
    f.valueName = std::move(valueName);
    f.kind = Kind::Integer;
    f.key = std::move(key);
    f.help = std::move(help);
    f.minimum = minimum;
    f.get = [member](const R &r) { return number(static_cast<double>(member(const_cast<R &>(r).config))); };
    f.set = [member](R &r, const std::string &t) { member(r.config) = std::strtoll(t.c_str(), nullptr, 10); };
    return f;
}

RrrOptionField realField(std::string name, std::string valueName, std::string key, std::string help, double minimum,
                         bool minExclusive, std::function<double &(RrrConfig &)> member)
{
    RrrOptionField f;
    f.flag = std::move(name);
    f.valueName = std::move(valueName);
    f.kind = Kind::Real;
    f.key = std::move(key);
    f.help = std::move(help);
    f.minimum = minimum;
    f.minExclusive = minExclusive;
    f.get = [member](const R &r) { return number(member(const_cast<R &>(r).config)); };
    f.set = [member](R &r, const std::string &t) { member(r.config) = std::strtod(t.c_str(), nullptr); };
    return f;
}

RrrOptionField textField(std::string name, std::string valueName, std::string help, Kind kind,
                         std::vector<std::string> choices, std::function<std::string &(R &)> member)
{
    RrrOptionField f;
    f.flag = std::move(name);
    f.valueName = std::move(valueName);
    f.kind = kind;
    f.key = f.flag;
    f.help = std::move(help);
    f.choices = std::move(choices);
    f.get = [member](const R &r) { return member(const_cast<R &>(r)); };
    f.set = [member](R &r, const std::string &t) { member(r) = t; };
    return f;
}

std::vector<RrrOptionField> makeFields()
{
    std::vector<RrrOptionField> f;
    f.push_back(textField("task", "NAME", "the task with a verifier, required", Kind::Choice, rrrTaskNames(),
                          [](R &r) -> std::string & { return r.task; }));
    f.push_back(textField("data", "FILE",
                          "countdown: real test problems ({\"input\",\"output\"} JSONL); bfcl: a questions file",
                          Kind::Text, {}, [](R &r) -> std::string & { return r.dataPath; }));
    f.push_back(textField("model", "DIR", "the model to train (none: the project's model)", Kind::Text, {},
                          [](R &r) -> std::string & { return r.modelDir; }));
    f.push_back(textField("out", "DIR",
                          "where the trained model goes, written to DIR/final (none: FILE.runs/rrr-<run id>)",
                          Kind::Text, {}, [](R &r) -> std::string & { return r.outputDir; }));
    {
        RrrOptionField seed;
        seed.flag = "seed";
        seed.valueName = "S";
        seed.kind = Kind::Integer;
        seed.key = "seed";
        seed.help = "seed of the training queries, sampling and shuffling";
        seed.minimum = 0;
        seed.get = [](const R &r) { return std::to_string(r.config.seed); };
        seed.set = [](R &r, const std::string &t) {
            r.config.seed = static_cast<std::uint64_t>(std::strtoll(t.c_str(), nullptr, 10));
        };
        f.push_back(seed);
    }
    f.push_back(integerField("train-queries", "N", "train_queries", "training queries sampled for failures", 1,
                             [](RrrConfig &c) -> std::int64_t & { return c.trainQueries; }));
    f.push_back(integerField("mine-samples", "N", "mine_samples", "attempts per training query", 1,
                             [](RrrConfig &c) -> std::int64_t & { return c.mineSamples; }));
    f.push_back(realField("mine-temperature", "T", "mine_temperature",
                          "sampling temperature of those attempts; 0 = greedy, the failures the evaluation sees", 0,
                          false, [](RrrConfig &c) -> double & { return c.mineTemperature; }));
    f.push_back(integerField("test-queries", "N", "test_queries", "held-out queries for before/after", 1,
                             [](RrrConfig &c) -> std::int64_t & { return c.testQueries; }));
    {
        RrrOptionField testSeed;
        testSeed.flag = "test-seed";
        testSeed.valueName = "S";
        testSeed.kind = Kind::Integer;
        testSeed.key = "test_seed";
        testSeed.help = "seed of the held-out queries, the same for every --seed so runs compare";
        testSeed.minimum = 0;
        testSeed.get = [](const R &r) { return std::to_string(r.config.testSeed); };
        testSeed.set = [](R &r, const std::string &t) {
            r.config.testSeed = static_cast<std::uint64_t>(std::strtoll(t.c_str(), nullptr, 10));
        };
        f.push_back(testSeed);
    }
    f.push_back(integerField("group-size", "G", "group_size", "reflections per failed attempt", 2,
                             [](RrrConfig &c) -> std::int64_t & { return c.groupSize; }));
    f.push_back(integerField("failures-per-step", "N", "failures_per_step", "failed attempts per optimizer step", 1,
                             [](RrrConfig &c) -> std::int64_t & { return c.failuresPerStep; }));
    f.push_back(realField("epochs", "X", "epochs", "passes over the failures", 0, true,
                          [](RrrConfig &c) -> double & { return c.epochs; }));
    f.push_back(integerField("max-steps", "N", "max_steps", "optimizer steps; 0 = from epochs", 0,
                             [](RrrConfig &c) -> std::int64_t & { return c.maxSteps; }));
    f.push_back(integerField("checkpoint-every", "N", "checkpoint_every",
                             "a resumable checkpoint every N optimizer steps (and after the last); 0 = after the last only",
                             0, [](RrrConfig &c) -> std::int64_t & { return c.checkpointEvery; }));
    f.push_back(realField("lr", "X", "learning_rate", "peak learning rate, cosine with 3 % warm-up", 0, true,
                          [](RrrConfig &c) -> double & { return c.learningRate; }));
    f.push_back(realField("retry-temperature", "T", "retry_temperature",
                          "sampling temperature of the retries; 0 = greedy", 0, false,
                          [](RrrConfig &c) -> double & { return c.retryTemperature; }));
    f.push_back(integerField("max-reflection-tokens", "N", "max_reflection_tokens",
                             "longest reflection, in tokens (training and evaluation)", 1,
                             [](RrrConfig &c) -> std::int64_t & { return c.maxReflectionTokens; }));
    f.push_back(realField("beta", "B", "beta", "KL coefficient to the reference", 0, false,
                          [](RrrConfig &c) -> double & { return c.beta; }));
    // LoRA: the keys are the stored config's ("lora.r"), which validate() names.
    f.push_back(integerField("lora-r", "N", "lora.r",
                             "train a LoRA adapter of rank N instead of every weight; 0 = off", 0,
                             [](RrrConfig &c) -> std::int64_t & { return c.lora.rank; }));
    f.push_back(realField("lora-alpha", "A", "lora.lora_alpha", "LoRA alpha; the update is scaled by alpha / r", 0,
                          true, [](RrrConfig &c) -> double & { return c.lora.alpha; }));
    // Below 1 (validate() says so by name): a range here has no exclusive maximum.
    f.push_back(realField("lora-dropout", "P", "lora.lora_dropout",
                          "dropout on the adapter's input in training, below 1", 0, false,
                          [](RrrConfig &c) -> double & { return c.lora.dropout; }));
    {
        RrrOptionField targets;
        targets.flag = "lora-targets";
        targets.valueName = "LIST";
        targets.kind = Kind::List;
        targets.key = "lora.target_modules";
        targets.help = "layers the adapter adapts, comma-separated, or all-linear";
        targets.choices = train::loraTargetableModules();
        targets.get = [](const R &r) { return options::joinList(r.config.lora.targetModules); };
        targets.set = [](R &r, const std::string &t) { r.config.lora.targetModules = options::splitList(t); };
        f.push_back(targets);
    }
    {
        RrrOptionField checkpointing;
        checkpointing.flag = "gradient-checkpointing";
        checkpointing.kind = Kind::Switch;
        checkpointing.key = "gradient_checkpointing";
        checkpointing.help = "recompute each layer's activations in the backward pass (less memory, more compute)";
        checkpointing.get = [](const R &r) { return std::string(r.config.gradientCheckpointing ? "1" : "0"); };
        checkpointing.set = [](R &r, const std::string &t) { r.config.gradientCheckpointing = t == "1"; };
        f.push_back(checkpointing);
    }
    {
        RrrOptionField device;
        device.flag = "device";
        device.valueName = "DEV";
        device.kind = Kind::Text;
        device.key = "device";
        device.help = "cpu, cuda or cuda:N";
        device.get = [](const R &r) { return r.config.device; };
        device.set = [](R &r, const std::string &t) { r.config.device = t; };
        f.push_back(device);
    }
    return f;
}

} // namespace

const std::vector<RrrOptionField> &rrrOptionFields()
{
    static const std::vector<RrrOptionField> fields = makeFields();
    return fields;
}

void applyRrrValues(const std::map<std::string, std::string> &values, RrrRunRequest &request,
                    const std::string &source)
{
    // PEFT's shorthand for every linear layer reads as the list it stands for.
    auto given = values;
    if (const auto it = given.find("lora-targets"); it != given.end() && (it->second == "all-linear" || it->second == "all"))
        it->second = options::joinList(train::loraTargetableModules());
    try {
        options::applyValues(rrrOptionFields(), given, request);
    } catch (const Error &e) {
        throw Error(e.message(), {source, 0, e.source().field});
    }
    if (request.task.empty())
        throw Error("choose a task (arith, countdown or bfcl)", {source, 0, "--task"});
    validate(request.config, source);
}

} // namespace rlrf::rrr
