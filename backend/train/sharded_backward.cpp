// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/sharded_backward.h"

#include "model/ordered_jobs.h"

#include <algorithm>
#include <memory>

namespace rlrf::train {

std::size_t trainingShards(const torch::Device &device)
{
    return device.is_cpu() ? model::concurrentBatches("cpu") : 1;
}

std::pair<std::size_t, std::size_t> shardRange(std::size_t rows, std::size_t shards, std::size_t shard)
{
    const std::size_t base = rows / shards, extra = rows % shards;
    const std::size_t begin = shard * base + std::min(shard, extra);
    return {begin, begin + base + (shard < extra ? 1 : 0)};
}

void backwardInShards(const std::vector<torch::Tensor> &parameters, std::size_t shards,
                      const std::function<torch::Tensor(std::size_t shard)> &shardLoss)
{
    if (shards <= 1) {
        const auto loss = shardLoss(0);
        if (loss.defined())
            loss.backward();
        return;
    }
    // Each shard's gradients come back as tensors of their own (autograd::grad),
    // not accumulated into .grad by whichever thread finishes first: the sum is
    // the same on every run.
    std::vector<std::vector<torch::Tensor>> grads(shards);
    std::size_t next = 0;
    model::runJobsInOrder(shards, [&]() -> std::optional<model::Job> {
        if (next >= shards)
            return std::nullopt;
        const std::size_t shard = next++;
        return model::Job([&, shard]() -> model::JobFinish {
            torch::AutoGradMode enabled(true);
            const auto loss = shardLoss(shard);
            if (loss.defined())
                grads[shard] = torch::autograd::grad({loss}, parameters, {}, /*retain_graph=*/false,
                                                     /*create_graph=*/false, /*allow_unused=*/true);
            return [] { return true; };
        });
    });
    for (const auto &shardGrads : grads)
        for (std::size_t i = 0; i < shardGrads.size(); ++i) {
            if (!shardGrads[i].defined())
                continue;
            auto &grad = const_cast<torch::Tensor &>(parameters[i]).mutable_grad();
            if (grad.defined())
                grad.add_(shardGrads[i]);
            else
                grad = shardGrads[i].clone();
        }
}

} // namespace rlrf::train
