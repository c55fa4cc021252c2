// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/train/adapter_reference.h"

#include "core/error.h"
#include "model/policy.h"

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
    // The pass's own cache folder, as every RLRF pass keeps its reference log-probs.
    config.referenceCacheDir = adapterReferenceCache(outputFolder);
    return train::trainDpo(config, policy, policy, policy.baseFolder(), pairs, outputFolder, context, resumeFrom,
                           train::AdapterReference::Start);
}

} // namespace rlrf::pipeline
