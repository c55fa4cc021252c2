// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/dpo_trainer_step.h"

#include "core/torch_compat.h"
#include "model/llama_model.h"
#include "model/logprobs.h"

#include <cmath>

namespace rlrf::train {

DpoStepSums dpoMicroStep(model::LlamaModelImpl &policy, const DpoMicroBatch &batch, const DpoStepOptions &options)
{
    const auto n = static_cast<std::int64_t>(batch.pairs.size());
    model::TokenRows prompts, completions;
    DpoStepSums sums;
    sums.pairs = n;
    // Chosen rows first, then rejected: one padded forward for both.
    for (int side = 0; side < 2; ++side)
        for (const auto *pair : batch.pairs) {
            prompts.push_back(pair->prompt);
            completions.push_back(side == 0 ? pair->chosen : pair->rejected);
            sums.tokens += static_cast<std::int64_t>(pair->prompt.size() + completions.back().size());
        }
    torch::Tensor loss, sequence, mask;
    {
        compat::Bf16Autocast autocast(options.bf16Autocast, options.autocastOnCuda);
        const auto logProbs = model::completionLogProbs(policy, prompts, completions);
        sequence = logProbs.logProbs.to(torch::kFloat32).sum(-1); // [2N]
        mask = logProbs.mask;
    }
    const auto policyChosen = sequence.narrow(0, 0, n);
    const auto policyRejected = sequence.narrow(0, n, n);
    const auto refOptions = torch::TensorOptions().dtype(torch::kFloat32).device(sequence.device());
    const auto refChosen = torch::tensor(batch.referenceChosen, torch::kDouble).to(refOptions);
    const auto refRejected = torch::tensor(batch.referenceRejected, torch::kDouble).to(refOptions);
    const auto out = preferenceLoss(policyChosen, policyRejected, refChosen, refRejected, options.loss);
    loss = out.losses.mean();
    if (options.nllWeight > 0.0) {
        const auto chosenTokens = mask.narrow(0, 0, n).sum().clamp_min(1).to(torch::kFloat32);
        loss = loss + options.nllWeight * (-policyChosen.sum() / chosenTokens);
    }
    sums.loss = loss.item<double>() * static_cast<double>(n);
    if (!std::isfinite(sums.loss)) {
        sums.finite = false;
        return sums;
    }
    (loss * options.gradientScale).backward();
    sums.rewardsChosen = out.chosenRewards.sum().item<double>();
    sums.rewardsRejected = out.rejectedRewards.sum().item<double>();
    sums.rewardsAccuracies = (out.chosenRewards > out.rejectedRewards).sum().item<double>();
    sums.logpsChosen = policyChosen.detach().sum().item<double>();
    sums.logpsRejected = policyRejected.detach().sum().item<double>();
    return sums;
}

} // namespace rlrf::train
