// SPDX-License-Identifier: GPL-3.0-or-later
// DPO of a policy that carries a LoRA adapter, against the model it starts from.
//
// The reference of an RLRF iteration is its DPO starting point: M_i after the
// supervised pass (or M_i itself without one), as in full fine-tuning, where the
// pass's model is saved and held frozen. With an adapter that is the base with
// the adapter as it stands before DPO's first step, not the bare base (M0) that
// trainDpo scores when a policy is its own reference (adapter switched off, as
// TRL does with a PEFT model). Against M0, iteration i's DPO would start from a
// margin the supervised pass and earlier iterations made, and IPO (the run's
// default) pulls every margin to 1 / 2β, undoing part of what they learned.
//
// No second copy of the base is loaded: trainDpo takes the reference log-probs
// from the policy itself, adapter on, before the first step
// (train::AdapterReference::Start), and keys their cache on the base folder and
// the adapter's starting values, so they never pass for the bare base's. A
// resumed pass starts from the same model (its checkpoint's weights are applied
// inside trainDpo), so it finds the same values in the cache. Torch-free.
#pragma once

#include "core/run_context.h"
#include "train/dpo_trainer.h"
#include "train/dpo_trainer_pairs.h"
#include "types/dpo_config.h"

#include <string>
#include <vector>

namespace rlrf::model {
class Policy;
}

namespace rlrf::pipeline {

/// `policy` has an adapter attached and holds DPO's starting weights; it is
/// trained in place. config.referenceCacheDir is replaced by the pass's own.
train::DpoResult trainAdapterAgainstStart(train::DpoConfig config, const model::Policy &policy,
                                          const std::vector<train::DpoPair> &pairs, const std::string &outputFolder,
                                          const RunContext &context, const std::string &resumeFrom);

/// The folder trainAdapterAgainstStart keeps the reference log-probs in.
std::string adapterReferenceCache(const std::string &outputFolder);

} // namespace rlrf::pipeline
