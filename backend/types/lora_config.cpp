// SPDX-License-Identifier: GPL-3.0-or-later
#include "types/lora_config.h"

#include "core/error.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace rlrf::train {

const std::vector<std::string> &loraTargetableModules()
{
    static const std::vector<std::string> names = {"q_proj", "k_proj", "v_proj", "o_proj",
                                                   "gate_proj", "up_proj", "down_proj"};
    return names;
}

double LoraSettings::scale() const
{
    if (rank <= 0)
        return 0.0;
    return useRslora ? alpha / std::sqrt(static_cast<double>(rank)) : alpha / static_cast<double>(rank);
}

void validate(const LoraSettings &s, const std::string &source)
{
    auto require = [&source](bool ok, const char *field, const std::string &why) {
        if (!ok)
            throw Error(why, {source, 0, field});
    };
    require(s.rank >= 0, "r", "the LoRA rank must be 0 (off) or positive, got " + std::to_string(s.rank));
    if (!s.enabled())
        return;
    require(s.alpha > 0.0, "lora_alpha", "must be positive");
    require(s.dropout >= 0.0 && s.dropout < 1.0, "lora_dropout", "must be in [0, 1)");
    require(!s.targetModules.empty(), "target_modules", "names no layer to adapt");
    const auto &known = loraTargetableModules();
    for (const auto &name : s.targetModules)
        require(std::find(known.begin(), known.end(), name) != known.end(), "target_modules",
                "unknown module '" + name + "' (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)");
    for (const auto layer : s.layersToTransform)
        require(layer >= 0, "layers_to_transform", "layer indices cannot be negative");
}

std::vector<std::string> parseLoraTargets(const std::string &list, const std::string &source)
{
    if (list == "all-linear" || list == "all")
        return loraTargetableModules();
    std::vector<std::string> names;
    std::stringstream in(list);
    std::string name;
    while (std::getline(in, name, ','))
        if (!name.empty())
            names.push_back(name);
    LoraSettings probe;
    probe.rank = 1;
    probe.targetModules = names;
    validate(probe, source);
    return names;
}

nlohmann::json peftAdapterConfig(const LoraSettings &s)
{
    // Every key PEFT's LoraConfig writes (0.13), with its defaults where this
    // workbench has no such setting, so PEFT reads the file without warnings.
    nlohmann::json layers = nullptr;
    if (!s.layersToTransform.empty())
        layers = s.layersToTransform;
    return {{"alpha_pattern", nlohmann::json::object()},
            {"auto_mapping", nullptr},
            {"base_model_name_or_path", s.baseModel},
            {"bias", "none"},
            {"fan_in_fan_out", false},
            {"inference_mode", true},
            {"init_lora_weights", true},
            {"layer_replication", nullptr},
            {"layers_pattern", nullptr},
            {"layers_to_transform", layers},
            {"loftq_config", nlohmann::json::object()},
            {"lora_alpha", s.alpha},
            {"lora_dropout", s.dropout},
            {"megatron_config", nullptr},
            {"megatron_core", "megatron.core"},
            {"modules_to_save", nullptr},
            {"peft_type", "LORA"},
            {"r", s.rank},
            {"rank_pattern", nlohmann::json::object()},
            {"revision", nullptr},
            {"target_modules", s.targetModules},
            {"task_type", "CAUSAL_LM"},
            {"use_dora", false},
            {"use_rslora", s.useRslora}};
}

namespace {

bool isNullOrEmpty(const nlohmann::json &value)
{
    return value.is_null() || (value.is_object() && value.empty()) || (value.is_array() && value.empty());
}

template <typename T>
T readAs(const nlohmann::json &config, const char *key, const std::string &source, T fallback)
{
    if (!config.contains(key) || config[key].is_null())
        return fallback;
    try {
        return config[key].get<T>();
    } catch (const nlohmann::json::exception &) {
        throw Error("has the wrong type (" + std::string(config[key].type_name()) + ")", {source, 0, key});
    }
}

} // namespace

LoraSettings loraSettingsFromPeft(const nlohmann::json &config, const std::string &source)
{
    if (!config.is_object())
        throw Error("an adapter config must be a JSON object", {source});
    const auto refuse = [&source](const char *field, const std::string &why) { throw Error(why, {source, 0, field}); };
    const auto peftType = readAs<std::string>(config, "peft_type", source, "LORA");
    if (peftType != "LORA")
        refuse("peft_type", "'" + peftType + "' adapters are not supported; only LORA is");
    if (readAs<bool>(config, "use_dora", source, false))
        refuse("use_dora", "DoRA adapters are not supported");
    if (readAs<std::string>(config, "bias", source, "none") != "none")
        refuse("bias", "adapters that train biases are not supported (bias must be \"none\")");
    if (readAs<bool>(config, "fan_in_fan_out", source, false))
        refuse("fan_in_fan_out", "fan_in_fan_out applies to GPT-2's Conv1D layers, which Llama models do not have");
    for (const char *key : {"modules_to_save", "rank_pattern", "alpha_pattern", "layers_pattern", "layer_replication"})
        if (config.contains(key) && !isNullOrEmpty(config[key]))
            refuse(key, "is not supported; the adapter must use one rank and alpha for every layer and save no full modules");

    LoraSettings s;
    s.rank = readAs<std::int64_t>(config, "r", source, 8);
    s.alpha = readAs<double>(config, "lora_alpha", source, 8.0);
    s.dropout = readAs<double>(config, "lora_dropout", source, 0.0);
    s.useRslora = readAs<bool>(config, "use_rslora", source, false);
    s.baseModel = readAs<std::string>(config, "base_model_name_or_path", source, "");
    if (!config.contains("target_modules") || config["target_modules"].is_null())
        refuse("target_modules", "is missing");
    const auto &targets = config["target_modules"];
    if (targets.is_string()) {
        const auto text = targets.get<std::string>();
        if (text != "all-linear")
            refuse("target_modules", "a regular expression ('" + text + "') is not supported; list the modules");
        s.targetModules = loraTargetableModules();
    } else {
        s.targetModules = readAs<std::vector<std::string>>(config, "target_modules", source, {});
    }
    if (config.contains("layers_to_transform") && !config["layers_to_transform"].is_null()) {
        const auto &layers = config["layers_to_transform"];
        if (layers.is_number_integer())
            s.layersToTransform = {layers.get<std::int64_t>()};
        else
            s.layersToTransform = readAs<std::vector<std::int64_t>>(config, "layers_to_transform", source, {});
    }
    if (s.rank <= 0)
        refuse("r", "must be positive in an adapter, got " + std::to_string(s.rank));
    validate(s, source);
    return s;
}

nlohmann::json toJson(const LoraSettings &s)
{
    if (!s.enabled())
        return nullptr;
    nlohmann::json out = {{"r", s.rank},
                          {"lora_alpha", s.alpha},
                          {"lora_dropout", s.dropout},
                          {"target_modules", s.targetModules},
                          {"use_rslora", s.useRslora}};
    if (!s.layersToTransform.empty())
        out["layers_to_transform"] = s.layersToTransform;
    return out;
}

LoraSettings loraSettingsFromJson(const nlohmann::json &value, const std::string &source)
{
    LoraSettings s;
    if (value.is_null())
        return s;
    if (!value.is_object())
        throw Error("must be an object with r, lora_alpha, lora_dropout, target_modules or null", {source, 0, "lora"});
    for (const auto &item : value.items())
        if (item.key() != "r" && item.key() != "lora_alpha" && item.key() != "lora_dropout"
            && item.key() != "target_modules" && item.key() != "use_rslora" && item.key() != "layers_to_transform")
            throw Error("unknown setting", {source, 0, "lora." + item.key()});
    s.rank = readAs<std::int64_t>(value, "r", source, s.rank);
    s.alpha = readAs<double>(value, "lora_alpha", source, s.alpha);
    s.dropout = readAs<double>(value, "lora_dropout", source, s.dropout);
    s.useRslora = readAs<bool>(value, "use_rslora", source, s.useRslora);
    if (value.contains("target_modules")) {
        if (value["target_modules"].is_string())
            s.targetModules = parseLoraTargets(value["target_modules"].get<std::string>(), source);
        else
            s.targetModules = readAs<std::vector<std::string>>(value, "target_modules", source, s.targetModules);
    }
    s.layersToTransform = readAs<std::vector<std::int64_t>>(value, "layers_to_transform", source, {});
    validate(s, source);
    return s;
}

} // namespace rlrf::train
