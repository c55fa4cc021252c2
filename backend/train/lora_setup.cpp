// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/lora_setup.h"

#include "core/error.h"
#include "core/logging.h"
#include "model/policy.h"

namespace rlrf::train {

void prepareLora(model::Policy policy, const LoraSettings &settings, std::uint64_t seed, const std::string &source)
{
    if (!settings.enabled())
        return; // a full model trains whole; an adapter folder trains its adapter
    if (!policy.hasLora()) {
        policy.addLora(settings, seed);
        log::get("train")->info("training a LoRA adapter: r {}, alpha {}, dropout {}, {} module kinds", settings.rank,
                                settings.alpha, settings.dropout, settings.targetModules.size());
        return;
    }
    const auto own = policy.lora();
    if (own.rank != settings.rank || own.targetModules != settings.targetModules)
        throw Error("the model already carries a LoRA adapter (r " + std::to_string(own.rank)
                        + "); leave the LoRA settings out to go on training it, or merge it first "
                          "(rlrf model merge) to train a new one",
                    {source, 0, "lora"});
}

} // namespace rlrf::train
