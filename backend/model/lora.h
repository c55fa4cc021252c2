// SPDX-License-Identifier: GPL-3.0-or-later
// A LoRA adapter on a loaded decoder: attach a fresh one or PEFT's tensors, switch
// it off (the DPO reference is the base with the adapter off: no second copy of
// the model), hand its tensors to a trainer or a writer, merge it into the base.
// The adapter's tensors live beside the modules (lora_slot.h), so the model's
// named_parameters() stay exactly the base's Hugging Face names.
// Backend-internal (torch).
#pragma once

#include "model/lora_slot.h"
#include "types/lora_config.h"

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace rlrf::model {

class LlamaModelImpl;

// What LlamaModelImpl::lora points at while an adapter is attached.
struct LoraAdapter {
    train::LoraSettings settings;
    std::shared_ptr<LoraSwitch> state;
    std::map<std::string, torch::Tensor> tensors; // PEFT names -> A or B (float32, trained in place)
};

// PEFT's name of one adapter tensor: "base_model.model.model.layers.3.self_attn.q_proj.lora_A.weight".
std::string peftTensorName(std::int64_t layer, const std::string &module, bool isA);

// A fresh adapter: A drawn as PEFT does (Kaiming-uniform with a = sqrt(5), i.e.
// U(-1/sqrt(in), 1/sqrt(in))), B zero, so the model's outputs do not change. The
// base's parameters stop requiring gradients. Replaces an attached adapter.
void attachNewLora(LlamaModelImpl &model, const train::LoraSettings &settings, std::uint64_t seed);

// An adapter from PEFT's tensors (names as PEFT saves them, with or without the
// ".default" adapter name and the "base_model.model." prefix). Every targeted
// layer needs its A and B with the right shapes and no tensor may be left over;
// otherwise throws rlrf::Error naming `source` and the tensor.
void attachLora(LlamaModelImpl &model, const train::LoraSettings &settings,
                const std::map<std::string, torch::Tensor> &tensors, const std::string &source);

bool hasLora(const LlamaModelImpl &model);

// The adapter's tensors in parameter order (layer by layer, A before B).
std::vector<torch::Tensor> loraParameters(const LlamaModelImpl &model);

// What a trainer updates: the adapter's tensors when one is attached, else every
// parameter that requires a gradient.
std::vector<torch::Tensor> trainableParameters(LlamaModelImpl &model);

// W += scale * B A in every adapted layer (computed in float32, stored in W's
// dtype); the adapter is then removed and the base trains as a whole again.
void mergeLora(LlamaModelImpl &model);

// Removes the adapter without merging it.
void detachLora(LlamaModelImpl &model);

// Switches the adapter off for its lifetime (no-op without one).
class LoraDisabled {
public:
    explicit LoraDisabled(const LlamaModelImpl &model);
    ~LoraDisabled();
    LoraDisabled(const LoraDisabled &) = delete;
    LoraDisabled &operator=(const LoraDisabled &) = delete;

private:
    std::shared_ptr<LoraSwitch> m_state;
    bool m_was = false;
};

} // namespace rlrf::model
