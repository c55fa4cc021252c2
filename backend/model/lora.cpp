// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/lora.h"

#include "core/error.h"
#include "model/llama_model.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace rlrf::model {

namespace {

struct Target {
    std::int64_t layer;
    std::string module; // "q_proj", ...
    torch::nn::Linear *linear;
    LoraSlot *slot;
};

std::string blockOf(const std::string &module)
{
    return module == "gate_proj" || module == "up_proj" || module == "down_proj" ? "mlp" : "self_attn";
}

// Every (layer, module) the settings adapt, with the linear layer and its slot.
std::vector<Target> targetsOf(LlamaModelImpl &model, const train::LoraSettings &settings)
{
    std::vector<Target> targets;
    const auto &layers = model.model->layers;
    const auto layerCount = static_cast<std::int64_t>(layers->size());
    for (const auto layer : settings.layersToTransform)
        if (layer >= layerCount)
            throw Error("layer " + std::to_string(layer) + " does not exist; the model has " + std::to_string(layerCount),
                        {"", 0, "layers_to_transform"});
    for (std::int64_t i = 0; i < layerCount; ++i) {
        if (!settings.layersToTransform.empty()
            && std::find(settings.layersToTransform.begin(), settings.layersToTransform.end(), i)
                   == settings.layersToTransform.end())
            continue;
        auto &decoder = *layers->ptr<DecoderLayerImpl>(static_cast<std::size_t>(i));
        auto &attn = *decoder.self_attn;
        auto &mlp = *decoder.mlp;
        for (const auto &name : settings.targetModules) {
            if (name == "q_proj") targets.push_back({i, name, &attn.q_proj, &attn.lora_q});
            else if (name == "k_proj") targets.push_back({i, name, &attn.k_proj, &attn.lora_k});
            else if (name == "v_proj") targets.push_back({i, name, &attn.v_proj, &attn.lora_v});
            else if (name == "o_proj") targets.push_back({i, name, &attn.o_proj, &attn.lora_o});
            else if (name == "gate_proj") targets.push_back({i, name, &mlp.gate_proj, &mlp.lora_gate});
            else if (name == "up_proj") targets.push_back({i, name, &mlp.up_proj, &mlp.lora_up});
            else if (name == "down_proj") targets.push_back({i, name, &mlp.down_proj, &mlp.lora_down});
        }
    }
    return targets;
}

void clearSlots(LlamaModelImpl &model)
{
    for (std::size_t i = 0; i < model.model->layers->size(); ++i) {
        auto &decoder = *model.model->layers->ptr<DecoderLayerImpl>(i);
        for (auto *slot : {&decoder.self_attn->lora_q, &decoder.self_attn->lora_k, &decoder.self_attn->lora_v,
                           &decoder.self_attn->lora_o, &decoder.mlp->lora_gate, &decoder.mlp->lora_up,
                           &decoder.mlp->lora_down})
            *slot = LoraSlot{};
    }
}

void setBaseTrainable(LlamaModelImpl &model, bool trainable)
{
    for (auto &p : model.parameters())
        p.set_requires_grad(trainable);
}

// Installs A/B pairs (already shaped, float32 on the model's device) as the adapter.
void install(LlamaModelImpl &model, const train::LoraSettings &settings, const std::vector<Target> &targets,
             std::vector<std::pair<torch::Tensor, torch::Tensor>> weights)
{
    clearSlots(model);
    auto adapter = std::make_shared<LoraAdapter>();
    adapter->settings = settings;
    adapter->state = std::make_shared<LoraSwitch>();
    adapter->state->scale = settings.scale();
    adapter->state->dropout = settings.dropout;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        auto &[a, b] = weights[i];
        a.set_requires_grad(true);
        b.set_requires_grad(true);
        *targets[i].slot = LoraSlot{a, b, adapter->state};
        adapter->tensors[peftTensorName(targets[i].layer, targets[i].module, true)] = a;
        adapter->tensors[peftTensorName(targets[i].layer, targets[i].module, false)] = b;
    }
    setBaseTrainable(model, false);
    model.lora = std::move(adapter);
}

// PEFT's name without the prefix and adapter name variants it may carry.
std::string canonicalName(std::string name)
{
    const std::string prefix = "base_model.model.";
    if (name.rfind(prefix, 0) != 0)
        name = prefix + name;
    for (const char *which : {".lora_A", ".lora_B"}) {
        const std::string withDefault = std::string(which) + ".default.weight";
        const auto at = name.find(withDefault);
        if (at != std::string::npos)
            name.replace(at, withDefault.size(), std::string(which) + ".weight");
    }
    return name;
}

} // namespace

std::string peftTensorName(std::int64_t layer, const std::string &module, bool isA)
{
    return "base_model.model.model.layers." + std::to_string(layer) + "." + blockOf(module) + "." + module
           + (isA ? ".lora_A.weight" : ".lora_B.weight");
}

void attachNewLora(LlamaModelImpl &model, const train::LoraSettings &settings, std::uint64_t seed)
{
    train::validate(settings);
    if (!settings.enabled())
        throw Error("a LoRA adapter needs a rank above 0", {"", 0, "r"});
    const auto targets = targetsOf(model, settings);
    auto generator = at::detail::createCPUGenerator(seed);
    const auto options = torch::TensorOptions().dtype(torch::kFloat32);
    std::vector<std::pair<torch::Tensor, torch::Tensor>> weights;
    torch::NoGradGuard noGrad;
    for (const auto &target : targets) {
        const auto &w = (*target.linear)->weight; // [out, in]
        const auto in = w.size(1);
        const auto out = w.size(0);
        const double bound = 1.0 / std::sqrt(static_cast<double>(in));
        auto a = at::empty({settings.rank, in}, options).uniform_(-bound, bound, generator).to(w.device());
        auto b = torch::zeros({out, settings.rank}, options.device(w.device()));
        weights.emplace_back(a, b);
    }
    install(model, settings, targets, std::move(weights));
}

void attachLora(LlamaModelImpl &model, const train::LoraSettings &settings,
                const std::map<std::string, torch::Tensor> &tensors, const std::string &source)
{
    std::map<std::string, torch::Tensor> byName;
    for (const auto &[name, tensor] : tensors) {
        const auto canonical = canonicalName(name);
        if (!byName.emplace(canonical, tensor).second)
            throw Error("the adapter holds this tensor twice (with and without an adapter name)", {source, 0, name});
    }
    std::vector<Target> targets;
    try {
        targets = targetsOf(model, settings);
    } catch (const Error &e) {
        throw Error(e.message(), {source, 0, e.source().field});
    }
    std::vector<std::pair<torch::Tensor, torch::Tensor>> weights;
    std::set<std::string> used;
    std::vector<std::string> missing;
    for (const auto &target : targets) {
        const auto &w = (*target.linear)->weight;
        const auto nameA = peftTensorName(target.layer, target.module, true);
        const auto nameB = peftTensorName(target.layer, target.module, false);
        const auto a = byName.find(nameA);
        const auto b = byName.find(nameB);
        if (a == byName.end() || b == byName.end()) {
            missing.push_back(a == byName.end() ? nameA : nameB);
            continue;
        }
        const std::vector<std::int64_t> shapeA = {settings.rank, w.size(1)};
        const std::vector<std::int64_t> shapeB = {w.size(0), settings.rank};
        if (!a->second.sizes().equals(shapeA))
            throw Error("has shape " + c10::str(a->second.sizes()) + ", expected " + c10::str(c10::IntArrayRef(shapeA))
                            + " (r = " + std::to_string(settings.rank) + ")",
                        {source, 0, nameA});
        if (!b->second.sizes().equals(shapeB))
            throw Error("has shape " + c10::str(b->second.sizes()) + ", expected " + c10::str(c10::IntArrayRef(shapeB))
                            + " (r = " + std::to_string(settings.rank) + ")",
                        {source, 0, nameB});
        used.insert(nameA);
        used.insert(nameB);
        weights.emplace_back(a->second.to(w.device(), torch::kFloat32).clone(),
                             b->second.to(w.device(), torch::kFloat32).clone());
    }
    if (!missing.empty())
        throw Error(std::to_string(missing.size()) + " adapter tensor(s) missing, the first being this one; "
                        "does target_modules in adapter_config.json match the file?",
                    {source, 0, missing.front()});
    for (const auto &item : byName)
        if (!used.count(item.first))
            throw Error("is not a LoRA tensor of a targeted layer of this model", {source, 0, item.first});
    install(model, settings, targets, std::move(weights));
}

bool hasLora(const LlamaModelImpl &model) { return model.lora != nullptr; }

std::vector<torch::Tensor> loraParameters(const LlamaModelImpl &model)
{
    std::vector<torch::Tensor> out;
    if (!model.lora)
        return out;
    // Layer order, A before B (the map's order sorts "10" before "2").
    const auto &s = model.lora->settings;
    for (std::int64_t i = 0; i < model.config().numLayers; ++i)
        for (const auto &module : s.targetModules)
            for (const bool isA : {true, false}) {
                const auto it = model.lora->tensors.find(peftTensorName(i, module, isA));
                if (it != model.lora->tensors.end())
                    out.push_back(it->second);
            }
    return out;
}

std::vector<torch::Tensor> trainableParameters(LlamaModelImpl &model)
{
    if (model.lora)
        return loraParameters(model);
    std::vector<torch::Tensor> out;
    for (auto &p : model.parameters())
        if (p.requires_grad())
            out.push_back(p);
    return out;
}

void mergeLora(LlamaModelImpl &model)
{
    if (!model.lora)
        return;
    const auto targets = targetsOf(model, model.lora->settings);
    const double scale = model.lora->settings.scale();
    {
        torch::NoGradGuard noGrad;
        for (const auto &target : targets) {
            auto &w = (*target.linear)->weight;
            const auto &slot = *target.slot;
            const auto delta = torch::matmul(slot.b, slot.a).mul_(scale); // [out, in] float32
            w.copy_(w.to(torch::kFloat32).add_(delta));
        }
    }
    detachLora(model);
}

void detachLora(LlamaModelImpl &model)
{
    clearSlots(model);
    model.lora.reset();
    setBaseTrainable(model, true);
}

LoraDisabled::LoraDisabled(const LlamaModelImpl &model)
    : m_state(model.lora ? model.lora->state : nullptr)
{
    if (m_state) {
        m_was = m_state->enabled;
        m_state->enabled = false;
    }
}

LoraDisabled::~LoraDisabled()
{
    if (m_state)
        m_state->enabled = m_was;
}

} // namespace rlrf::model
