// SPDX-License-Identifier: GPL-3.0-or-later
// The two models a Reflect-Retry-Reward run trains with: the policy, loaded
// from where the run stands (the start model, a step checkpoint or the final
// model) with its LoRA adapter when the run trains one, and the frozen KL
// reference. With an adapter the reference is the policy itself with the
// adapter switched off (GrpoTrainer does that when both are one model), so no
// second copy is held, whatever beta is and whether or not the run resumed.
// Without one, a second copy of the start model is loaded only when the KL term
// reads it or the policy no longer is the start model. Torch-free.
#pragma once

#include "model/text_model.h"
#include "pipeline/rrr/rrr_config.h"

#include <optional>
#include <string>

namespace rlrf::rrr {

/// A full model folder (config.json) or a LoRA adapter folder (adapter_config.json):
/// what a run may start from, continue from, or leave as its final model.
bool isModelFolder(const std::string &folder);

class RrrModels {
public:
    /// `startModel` is the run's model (the KL reference's folder without an
    /// adapter); `from` is where the policy's weights are read (the start
    /// model, or a checkpoint or final folder of a continued run). A fresh
    /// adapter is attached when the config asks for one and the policy has
    /// none; a policy that carries one (an adapter folder, or a LoRA run's
    /// checkpoint) trains its own. Throws rlrf::Error naming `source` when the
    /// config asks for another adapter than the one the model carries.
    static RrrModels load(const RrrConfig &config, const std::string &startModel, const std::string &from,
                          const std::string &source);

    model::TextModel &policy() { return m_policy; }
    const model::TextModel &reference() const { return m_reference ? *m_reference : m_policy; }
    /// True when the reference is the policy (adapter off, or beta 0 on the start model).
    bool referenceIsPolicy() const { return !m_reference.has_value(); }

private:
    RrrModels(model::TextModel policy, std::optional<model::TextModel> reference);

    model::TextModel m_policy;
    std::optional<model::TextModel> m_reference;
};

} // namespace rlrf::rrr
