// SPDX-License-Identifier: GPL-3.0-or-later
// One table of (JSON key, field) pairs drives the round trip, so a new setting
// is added in one place. The LoRA settings and gradient checkpointing sit
// outside it: they are written only when set (see rrr_config.h).
#include "pipeline/rrr/rrr_config.h"

#include "core/error.h"

#include <type_traits>

namespace rlrf::rrr {
namespace {

// Calls fn(key, field) for every setting, in the order they are documented.
template <typename Config, typename Fn>
void forEachField(Config &c, Fn &&fn)
{
    fn("seed", c.seed);
    fn("train_queries", c.trainQueries);
    fn("mine_samples", c.mineSamples);
    fn("mine_temperature", c.mineTemperature);
    fn("failures_per_query", c.failuresPerQuery);
    fn("test_queries", c.testQueries);
    fn("test_seed", c.testSeed);
    fn("group_size", c.groupSize);
    fn("failures_per_step", c.failuresPerStep);
    fn("epochs", c.epochs);
    fn("max_steps", c.maxSteps);
    fn("reflection_temperature", c.reflectionTemperature);
    fn("retry_temperature", c.retryTemperature);
    fn("max_answer_tokens", c.maxAnswerTokens);
    fn("max_reflection_tokens", c.maxReflectionTokens);
    fn("beta", c.beta);
    fn("clip_epsilon", c.clipEpsilon);
    fn("updates_per_batch", c.updatesPerBatch);
    fn("learning_rate", c.learningRate);
    fn("warmup_ratio", c.warmupRatio);
    fn("weight_decay", c.weightDecay);
    fn("max_grad_norm", c.maxGradNorm);
    fn("generation_batch", c.generationBatch);
    fn("checkpoint_every", c.checkpointEvery);
    fn("device", c.device);
}

void require(bool ok, const char *field, const std::string &what, const std::string &source)
{
    if (!ok)
        throw Error(std::string(field) + " must be " + what, {source, 0, field});
}

const char *const kLoraKey = "lora";
const char *const kCheckpointingKey = "gradient_checkpointing";

// An error of the LoRA settings under the config's key: "lora.lora_alpha".
Error asLoraField(const Error &e, const std::string &source)
{
    const auto &field = e.source().field;
    const bool named = field == kLoraKey || field.rfind(std::string(kLoraKey) + ".", 0) == 0;
    return Error(e.message(), {source, 0, named ? field : std::string(kLoraKey) + "." + field});
}

// train::validate checks alpha, dropout and targets only when the rank is
// above 0; here they are checked as if it were, so a form or a config file
// with a bad value is told so before the adapter is switched on.
void validateLora(const train::LoraSettings &lora, const std::string &source)
{
    auto probe = lora;
    if (probe.rank == 0)
        probe.rank = 1;
    try {
        train::validate(probe, source);
    } catch (const Error &e) {
        throw asLoraField(e, source);
    }
}

} // namespace

void validate(const RrrConfig &c, const std::string &source)
{
    require(c.trainQueries >= 1, "train_queries", "at least 1", source);
    require(c.mineSamples >= 1, "mine_samples", "at least 1", source);
    require(c.mineTemperature >= 0.0, "mine_temperature", "0 (greedy) or more", source);
    require(c.mineTemperature > 0.0 || c.mineSamples == 1, "mine_samples",
            "1 when mine_temperature is 0 (greedy attempts at one query are all the same; "
            "sample with a positive mine_temperature)",
            source);
    require(c.failuresPerQuery >= 1, "failures_per_query", "at least 1", source);
    require(c.testQueries >= 1, "test_queries", "at least 1", source);
    require(c.groupSize >= 2, "group_size", "at least 2 (advantages compare reflections within a group)", source);
    require(c.failuresPerStep >= 1, "failures_per_step", "at least 1", source);
    require(c.epochs > 0.0, "epochs", "positive", source);
    require(c.maxSteps >= 0, "max_steps", "0 or more", source);
    require(c.reflectionTemperature > 0.0, "reflection_temperature", "positive (a group needs different reflections)",
            source);
    require(c.retryTemperature >= 0.0, "retry_temperature", "0 or more", source);
    require(c.maxAnswerTokens >= 1, "max_answer_tokens", "at least 1", source);
    require(c.maxReflectionTokens >= 1, "max_reflection_tokens", "at least 1", source);
    require(c.beta >= 0.0, "beta", "0 or more", source);
    require(c.clipEpsilon > 0.0 && c.clipEpsilon < 1.0, "clip_epsilon", "in (0, 1)", source);
    require(c.updatesPerBatch >= 1, "updates_per_batch", "at least 1", source);
    require(c.learningRate > 0.0, "learning_rate", "positive", source);
    require(c.warmupRatio >= 0.0 && c.warmupRatio < 1.0, "warmup_ratio", "in [0, 1)", source);
    require(c.weightDecay >= 0.0, "weight_decay", "0 or more", source);
    require(c.maxGradNorm >= 0.0, "max_grad_norm", "0 or more (0 = no clipping)", source);
    require(c.generationBatch >= 1, "generation_batch", "at least 1", source);
    require(c.checkpointEvery >= 0, "checkpoint_every", "0 or more (0 = only after the last step)", source);
    require(!c.device.empty(), "device", "cpu, cuda or cuda:N", source);
    validateLora(c.lora, source);
}

nlohmann::json toJson(const RrrConfig &config)
{
    nlohmann::json out = nlohmann::json::object();
    forEachField(config, [&out](const char *key, const auto &value) { out[key] = value; });
    // Only when set: the stored settings of runs from before these existed
    // compare equal to what reading them back gives, so those runs resume.
    if (config.lora.enabled())
        out[kLoraKey] = train::toJson(config.lora);
    if (config.gradientCheckpointing)
        out[kCheckpointingKey] = true;
    return out;
}

RrrConfig rrrConfigFromJson(const nlohmann::json &object, const std::string &source)
{
    if (!object.is_object())
        throw Error("a Reflect-Retry-Reward config must be a JSON object", {source});
    const auto known = toJson(RrrConfig{});
    for (const auto &item : object.items())
        if (!known.contains(item.key()) && item.key() != kLoraKey && item.key() != kCheckpointingKey)
            throw Error("unknown setting", {source, 0, item.key()});
    RrrConfig c;
    forEachField(c, [&](const char *key, auto &field) {
        const auto it = object.find(key);
        if (it == object.end())
            return;
        using Field = std::decay_t<decltype(field)>;
        const bool numberOk = std::is_floating_point_v<Field> ? it->is_number()
            : std::is_unsigned_v<Field>                       ? it->is_number_unsigned()
                                                              : std::is_integral_v<Field> && it->is_number_integer();
        const bool textOk = std::is_same_v<Field, std::string> && it->is_string();
        if (!numberOk && !textOk)
            throw Error("wrong type: " + it->dump(), {source, 0, key});
        field = it->template get<Field>();
    });
    if (const auto it = object.find(kLoraKey); it != object.end()) {
        try {
            c.lora = train::loraSettingsFromJson(*it, source);
        } catch (const Error &e) {
            throw asLoraField(e, source);
        }
    }
    if (const auto it = object.find(kCheckpointingKey); it != object.end()) {
        if (!it->is_boolean())
            throw Error("wrong type: " + it->dump() + " (true or false)", {source, 0, kCheckpointingKey});
        c.gradientCheckpointing = it->get<bool>();
    }
    validate(c, source);
    return c;
}

} // namespace rlrf::rrr
