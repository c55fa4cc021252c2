// SPDX-License-Identifier: GPL-3.0-or-later
#include "types/dpo_config.h"

#include "core/error.h"
#include "core/json_io.h"
#include "types/training_choices.h"

#include <set>

namespace rlrf::train {

nlohmann::json toJson(const DpoConfig &c)
{
    nlohmann::json out = {{"beta", c.beta},
            {"loss_type", c.lossType},
            {"label_smoothing", c.labelSmoothing},
            {"learning_rate", c.learningRate},
            {"lr_scheduler_type", c.schedule},
            {"warmup_ratio", c.warmupRatio},
            {"num_train_epochs", c.epochs},
            {"per_device_train_batch_size", c.batchSize},
            {"gradient_accumulation_steps", c.gradientAccumulation},
            {"max_grad_norm", c.maxGradNorm},
            {"weight_decay", c.weightDecay},
            {"nll_weight", c.nllWeight},
            {"seed", c.seed},
            {"device", c.device},
            {"dtype", c.dtype},
            {"save_steps", c.checkpointEvery},
            {"reference_cache_dir", c.referenceCacheDir}};
    // Only when set: fingerprints of runs from before these settings stay the same.
    if (c.lora.enabled())
        out["lora"] = toJson(c.lora);
    if (c.gradientCheckpointing)
        out["gradient_checkpointing"] = true;
    return out;
}

DpoConfig dpoConfigFromJson(const nlohmann::json &object, const std::string &source)
{
    if (!object.is_object())
        throw Error("a DPO config must be a JSON object", {source});
    const auto known = toJson(DpoConfig{});
    for (const auto &item : object.items())
        if (!known.contains(item.key()) && item.key() != "lora" && item.key() != "gradient_checkpointing")
            throw Error("unknown setting", {source, 0, item.key()});
    DpoConfig c;
    json::readOptional(object, "beta", c.beta, source);
    json::readOptional(object, "loss_type", c.lossType, source);
    json::readOptional(object, "label_smoothing", c.labelSmoothing, source);
    json::readOptional(object, "learning_rate", c.learningRate, source);
    json::readOptional(object, "lr_scheduler_type", c.schedule, source);
    json::readOptional(object, "warmup_ratio", c.warmupRatio, source);
    json::readOptional(object, "num_train_epochs", c.epochs, source);
    json::readOptional(object, "per_device_train_batch_size", c.batchSize, source);
    json::readOptional(object, "gradient_accumulation_steps", c.gradientAccumulation, source);
    json::readOptional(object, "max_grad_norm", c.maxGradNorm, source);
    json::readOptional(object, "weight_decay", c.weightDecay, source);
    json::readOptional(object, "nll_weight", c.nllWeight, source);
    json::readOptional(object, "seed", c.seed, source);
    json::readOptional(object, "device", c.device, source);
    json::readOptional(object, "dtype", c.dtype, source);
    json::readOptional(object, "save_steps", c.checkpointEvery, source);
    json::readOptional(object, "reference_cache_dir", c.referenceCacheDir, source);
    if (object.contains("lora"))
        c.lora = loraSettingsFromJson(object["lora"], source);
    json::readOptional(object, "gradient_checkpointing", c.gradientCheckpointing, source);
    validate(c, source);
    return c;
}

void validate(const DpoConfig &c, const std::string &source)
{
    auto require = [&source](bool ok, const char *field, const std::string &why) {
        if (!ok)
            throw Error(why, {source, 0, field});
    };
    require(c.beta > 0.0, "beta", "must be positive, got " + std::to_string(c.beta));
    try {
        preferenceLossFromString(c.lossType);
    } catch (const Error &e) {
        throw Error(e.message(), {source, 0, "loss_type"});
    }
    require(c.labelSmoothing >= 0.0 && c.labelSmoothing < 0.5, "label_smoothing", "must be in [0, 0.5)");
    require(c.labelSmoothing == 0.0 || c.lossType == "sigmoid", "label_smoothing", "applies to the sigmoid loss only");
    require(c.learningRate > 0.0, "learning_rate", "must be positive");
    try {
        scheduleKindFromString(c.schedule);
    } catch (const Error &e) {
        throw Error(e.message(), {source, 0, "lr_scheduler_type"});
    }
    require(c.warmupRatio >= 0.0 && c.warmupRatio < 1.0, "warmup_ratio", "must be in [0, 1)");
    require(c.epochs >= 1, "num_train_epochs", "must be at least 1");
    require(c.batchSize >= 1, "per_device_train_batch_size", "must be at least 1");
    require(c.gradientAccumulation >= 1, "gradient_accumulation_steps", "must be at least 1");
    require(c.maxGradNorm >= 0.0, "max_grad_norm", "must not be negative (0 = no clipping)");
    require(c.weightDecay >= 0.0, "weight_decay", "must not be negative");
    require(c.nllWeight >= 0.0, "nll_weight", "must not be negative (0 = off)");
    require(c.device == "cpu" || c.device.rfind("cuda", 0) == 0, "device", "must be cpu, cuda or cuda:N");
    require(c.dtype == "float32" || c.dtype == "bfloat16", "dtype", "must be float32 or bfloat16");
    require(c.checkpointEvery >= 0, "save_steps", "must not be negative (0 = final checkpoint only)");
    validate(c.lora, source);
}

} // namespace rlrf::train
