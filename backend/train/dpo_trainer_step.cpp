// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/dpo_trainer_step.h"

#include "core/torch_compat.h"
#include "model/llama_model.h"
#include "model/logprobs.h"
#include "train/sharded_backward.h"

#include <algorithm>
#include <cmath>

namespace rlrf::train {

namespace {

struct NonFiniteShard {};

// Pairs [begin, end) of the micro-batch: their share of the micro-batch's loss
// (whose mean and NLL denominator span all `n` pairs), and their sums.
torch::Tensor shardLoss(model::LlamaModelImpl &policy, const DpoMicroBatch &batch, std::size_t begin, std::size_t end,
                        double chosenTokens, const DpoStepOptions &options, DpoStepSums &sums)
{
    const auto n = static_cast<std::int64_t>(batch.pairs.size());
    const auto count = static_cast<std::int64_t>(end - begin);
    model::TokenRows prompts, completions;
    // Chosen rows first, then rejected: one padded forward for both.
    for (int side = 0; side < 2; ++side)
        for (auto i = begin; i < end; ++i) {
            const auto *pair = batch.pairs[i];
            prompts.push_back(pair->prompt);
            completions.push_back(side == 0 ? pair->chosen : pair->rejected);
            sums.tokens += static_cast<std::int64_t>(pair->prompt.size() + completions.back().size());
        }
    torch::Tensor sequence;
    {
        compat::Bf16Autocast autocast(options.bf16Autocast, options.autocastOnCuda);
        const auto logProbs = model::completionLogProbs(policy, prompts, completions);
        sequence = logProbs.logProbs.to(torch::kFloat32).sum(-1); // [2N]
    }
    const auto policyChosen = sequence.narrow(0, 0, count);
    const auto policyRejected = sequence.narrow(0, count, count);
    const auto refOptions = torch::TensorOptions().dtype(torch::kFloat32).device(sequence.device());
    const auto part = [&](const std::vector<double> &values) {
        return std::vector<double>(values.begin() + static_cast<std::ptrdiff_t>(begin),
                                   values.begin() + static_cast<std::ptrdiff_t>(end));
    };
    const auto refChosen = torch::tensor(part(batch.referenceChosen), torch::kDouble).to(refOptions);
    const auto refRejected = torch::tensor(part(batch.referenceRejected), torch::kDouble).to(refOptions);
    const auto out = preferenceLoss(policyChosen, policyRejected, refChosen, refRejected, options.loss);
    // With every pair in one shard this is exactly losses.mean() + w * NLL.
    auto loss = count == n ? out.losses.mean() : out.losses.sum() / static_cast<double>(n);
    if (options.nllWeight > 0.0)
        loss = loss + options.nllWeight * (-policyChosen.sum() / chosenTokens);
    sums.loss = loss.item<double>() * static_cast<double>(n);
    if (!std::isfinite(sums.loss))
        throw NonFiniteShard{};
    sums.rewardsChosen = out.chosenRewards.sum().item<double>();
    sums.rewardsRejected = out.rejectedRewards.sum().item<double>();
    sums.rewardsAccuracies = (out.chosenRewards > out.rejectedRewards).sum().item<double>();
    sums.logpsChosen = policyChosen.detach().sum().item<double>();
    sums.logpsRejected = policyRejected.detach().sum().item<double>();
    return loss * options.gradientScale;
}

} // namespace

DpoStepSums dpoMicroStep(model::LlamaModelImpl &policy, const DpoMicroBatch &batch, const DpoStepOptions &options)
{
    const auto n = batch.pairs.size();
    // The NLL term's denominator: the chosen tokens of the whole micro-batch.
    std::int64_t chosenTokens = 0;
    for (const auto *pair : batch.pairs)
        chosenTokens += static_cast<std::int64_t>(pair->chosen.size());
    const auto shards = std::max<std::size_t>(1, std::min(options.shards, n));
    std::vector<DpoStepSums> parts(shards);
    std::vector<torch::Tensor> parameters;
    for (const auto &p : policy.parameters())
        if (p.requires_grad())
            parameters.push_back(p);
    DpoStepSums sums;
    sums.pairs = static_cast<std::int64_t>(n);
    try {
        backwardInShards(parameters, shards, [&](std::size_t s) {
            const auto [begin, end] = shardRange(n, shards, s);
            return shardLoss(policy, batch, begin, end, static_cast<double>(std::max<std::int64_t>(1, chosenTokens)),
                             options, parts[s]);
        });
    } catch (const NonFiniteShard &) {
        sums.finite = false;
        for (const auto &p : parts)
            if (!std::isfinite(p.loss))
                sums.loss = p.loss;
        return sums;
    }
    for (const auto &p : parts) {
        sums.loss += p.loss, sums.rewardsChosen += p.rewardsChosen, sums.rewardsRejected += p.rewardsRejected;
        sums.rewardsAccuracies += p.rewardsAccuracies, sums.logpsChosen += p.logpsChosen;
        sums.logpsRejected += p.logpsRejected, sums.tokens += p.tokens;
    }
    return sums;
}

} // namespace rlrf::train
