// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/train/adapter_reference.h"

#include "core/error.h"
#include "model/policy.h"
#include "train/reference_logprobs.h"

#include <filesystem>

namespace rlrf::pipeline {

std::string adapterReferenceCache(const std::string &outputFolder)
{
    return (std::filesystem::path(outputFolder) / "reference_cache").string();
}

train::DpoResult trainAdapterAgainstStart(train::DpoConfig config, const model::Policy &policy,
                                          const std::vector<train::DpoPair> &pairs, const std::string &outputFolder,
                                          const RunContext &context, const std::string &resumeFrom)
{
    if (!policy.hasLora())
        throw Error("DPO against the starting adapter needs a policy with a LoRA adapter", {outputFolder});
    // A cache folder shared with other passes would hand them these values under
    // the base's name: always the pass's own.
    config.referenceCacheDir = adapterReferenceCache(outputFolder);
    const std::string base = policy.baseFolder();
    // The name trainDpo gives the reference of a policy that is its own
    // (dpo_trainer.cpp: referenceModelIdentity of the folder, the policy's dtype).
    const auto identity = train::referenceModelIdentity(base, policy.dtype());
    context.progress(0, 0, "dpo reference log-probs");
    train::referenceLogProbs(policy, identity, pairs, config.referenceCacheDir,
                             static_cast<std::size_t>(config.batchSize));
    return train::trainDpo(config, policy, policy, base, pairs, outputFolder, context, resumeFrom);
}

} // namespace rlrf::pipeline
