// SPDX-License-Identifier: GPL-3.0-or-later
// How a trainer starts from a model and the run's LoRA settings: a full model with
// LoRA asked for gets a fresh adapter; an adapter folder (or a resumed LoRA
// checkpoint) keeps training its own adapter; asking for another adapter on top
// of one is refused. Torch-free.
#pragma once

#include "types/lora_config.h"

#include <cstdint>
#include <string>

namespace rlrf::model {
class Policy;
}

namespace rlrf::train {

// `policy` shares its weights with every copy, so the adapter reaches them all.
// Throws rlrf::Error naming `source` (a setting's origin) on a conflict.
void prepareLora(model::Policy policy, const LoraSettings &settings, std::uint64_t seed, const std::string &source);

} // namespace rlrf::train
