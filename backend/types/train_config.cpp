// SPDX-License-Identifier: GPL-3.0-or-later
#include "types/train_config.h"

#include "core/error.h"

#include <cmath>
#include <functional>
#include <map>

namespace rlrf::train {

namespace {

void require(bool ok, const std::string &field, const std::string &why, const std::string &source)
{
    if (!ok)
        throw Error(why, {source, 0, field});
}

bool finite(double x) { return std::isfinite(x); }

} // namespace

void validate(const SftConfig &c, const std::string &source)
{
    require(finite(c.learningRate) && c.learningRate > 0, "learning_rate", "must be a finite number above 0", source);
    require(finite(c.minLearningRateRatio) && c.minLearningRateRatio >= 0 && c.minLearningRateRatio <= 1,
            "min_learning_rate_ratio", "must lie in [0, 1]", source);
    require(finite(c.warmupRatio) && c.warmupRatio >= 0 && c.warmupRatio < 1, "warmup_ratio", "must lie in [0, 1)",
            source);
    require(c.warmupSteps >= -1, "warmup_steps", "must be -1 (use warmup_ratio) or at least 0", source);
    require(c.maxSteps >= 0, "max_steps", "must be at least 0 (0 = from epochs)", source);
    require(c.maxSteps > 0 || (finite(c.epochs) && c.epochs > 0), "epochs",
            "must be a finite number above 0 when max_steps is 0", source);
    require(c.batchSize >= 1, "batch_size", "must be at least 1", source);
    require(c.gradientAccumulation >= 1, "gradient_accumulation", "must be at least 1", source);
    require(finite(c.maxGradNorm) && c.maxGradNorm >= 0, "max_grad_norm", "must be a finite number >= 0", source);
    require(finite(c.weightDecay) && c.weightDecay >= 0, "weight_decay", "must be a finite number >= 0", source);
    require(c.beta1 >= 0 && c.beta1 < 1, "beta1", "must lie in [0, 1)", source);
    require(c.beta2 >= 0 && c.beta2 < 1, "beta2", "must lie in [0, 1)", source);
    require(finite(c.adamEpsilon) && c.adamEpsilon > 0, "adam_epsilon", "must be a finite number above 0", source);
    require(c.checkpointEvery >= 0, "checkpoint_every", "must be at least 0 (0 = only at the end)", source);
    require(!c.device.empty(), "device", "must not be empty", source);
    require(c.dtype == "float32" || c.dtype == "bfloat16" || c.dtype == "auto", "dtype",
            "must be \"float32\", \"bfloat16\" or \"auto\" (got \"" + c.dtype + "\")", source);
    validate(c.lora, source.empty() ? "lora" : source);
}

nlohmann::json toJson(const SftConfig &c)
{
    auto out = nlohmann::json{{"learning_rate", c.learningRate},
                          {"schedule", toString(c.schedule)},
                          {"min_learning_rate_ratio", c.minLearningRateRatio},
                          {"warmup_ratio", c.warmupRatio},
                          {"warmup_steps", c.warmupSteps},
                          {"epochs", c.epochs},
                          {"max_steps", c.maxSteps},
                          {"batch_size", c.batchSize},
                          {"gradient_accumulation", c.gradientAccumulation},
                          {"max_grad_norm", c.maxGradNorm},
                          {"weight_decay", c.weightDecay},
                          {"beta1", c.beta1},
                          {"beta2", c.beta2},
                          {"adam_epsilon", c.adamEpsilon},
                          {"seed", c.seed},
                          {"checkpoint_every", c.checkpointEvery},
                          {"group_by_length", c.groupByLength},
                          {"device", c.device},
                          {"dtype", c.dtype}};
    // Only when set: configs stored before these settings existed keep their form.
    if (c.lora.enabled())
        out["lora"] = toJson(c.lora);
    if (c.gradientCheckpointing)
        out["gradient_checkpointing"] = true;
    return out;
}

SftConfig sftConfigFromJson(const nlohmann::json &object, const std::string &source)
{
    if (!object.is_object())
        throw Error("the SFT configuration must be a JSON object", {source});
    SftConfig c;
    // One reader per key; each names the key when the value has the wrong type.
    using Reader = std::function<void(const nlohmann::json &)>;
    const std::map<std::string, Reader> readers = {
        {"learning_rate", [&](const nlohmann::json &v) { c.learningRate = v.get<double>(); }},
        {"schedule", [&](const nlohmann::json &v) { c.schedule = scheduleKindFromString(v.get<std::string>()); }},
        {"min_learning_rate_ratio", [&](const nlohmann::json &v) { c.minLearningRateRatio = v.get<double>(); }},
        {"warmup_ratio", [&](const nlohmann::json &v) { c.warmupRatio = v.get<double>(); }},
        {"warmup_steps", [&](const nlohmann::json &v) { c.warmupSteps = v.get<std::int64_t>(); }},
        {"epochs", [&](const nlohmann::json &v) { c.epochs = v.get<double>(); }},
        {"max_steps", [&](const nlohmann::json &v) { c.maxSteps = v.get<std::int64_t>(); }},
        {"batch_size", [&](const nlohmann::json &v) { c.batchSize = v.get<std::int64_t>(); }},
        {"gradient_accumulation", [&](const nlohmann::json &v) { c.gradientAccumulation = v.get<std::int64_t>(); }},
        {"max_grad_norm", [&](const nlohmann::json &v) { c.maxGradNorm = v.get<double>(); }},
        {"weight_decay", [&](const nlohmann::json &v) { c.weightDecay = v.get<double>(); }},
        {"beta1", [&](const nlohmann::json &v) { c.beta1 = v.get<double>(); }},
        {"beta2", [&](const nlohmann::json &v) { c.beta2 = v.get<double>(); }},
        {"adam_epsilon", [&](const nlohmann::json &v) { c.adamEpsilon = v.get<double>(); }},
        {"seed", [&](const nlohmann::json &v) { c.seed = v.get<std::uint64_t>(); }},
        {"checkpoint_every", [&](const nlohmann::json &v) { c.checkpointEvery = v.get<std::int64_t>(); }},
        {"group_by_length", [&](const nlohmann::json &v) { c.groupByLength = v.get<bool>(); }},
        {"device", [&](const nlohmann::json &v) { c.device = v.get<std::string>(); }},
        {"dtype", [&](const nlohmann::json &v) { c.dtype = v.get<std::string>(); }},
        {"lora", [&](const nlohmann::json &v) { c.lora = loraSettingsFromJson(v, source); }},
        {"gradient_checkpointing", [&](const nlohmann::json &v) { c.gradientCheckpointing = v.get<bool>(); }},
    };
    for (const auto &[key, value] : object.items()) {
        const auto reader = readers.find(key);
        if (reader == readers.end())
            throw Error("unknown SFT setting \"" + key + "\"", {source, 0, key});
        try {
            reader->second(value);
        } catch (const nlohmann::json::exception &e) {
            throw Error(std::string("has the wrong type: ") + e.what(), {source, 0, key});
        } catch (const Error &e) {
            throw Error(e.message(), {source, 0, key});
        }
    }
    validate(c, source);
    return c;
}

} // namespace rlrf::train
