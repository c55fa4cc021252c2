// SPDX-License-Identifier: GPL-3.0-or-later
// Data parallelism inside one micro-batch on the CPU: its rows split into shards,
// each shard's forward and backward pass on its own thread (one intra-op thread
// each), the shards' gradients added to the parameters in shard order. A small
// model's training operations are too small to split across cores (a fifth of a
// step went to OpenMP threads waiting for each other); whole shards are not. The
// loss is the same sum, so the step is the same up to float rounding; with one
// shard it is exactly the plain backward pass.
#pragma once

#include <torch/torch.h>

#include <cstddef>
#include <functional>
#include <vector>

namespace rlrf::train {

/// How many shards to split micro-batches into for a model on `device`: the
/// intra-op threads on a CPU, 1 elsewhere. A trainer asks once, before its loop,
/// then holds a model::SingleIntraOpThread for the loop when it is above 1, and
/// splits a micro-batch of r rows into min(shards, r).
std::size_t trainingShards(const torch::Device &device);

/// Rows [begin, end) of shard `shard` of `shards` over `rows` rows, as even as can be.
std::pair<std::size_t, std::size_t> shardRange(std::size_t rows, std::size_t shards, std::size_t shard);

/// Runs `shardLoss(s)` for each shard s (each on its own thread when there are
/// several) and back-propagates the scalar it returns into `parameters`' .grad,
/// shard 0's gradients added first. An undefined tensor adds nothing for that
/// shard. An exception thrown by a shard reaches the caller after every shard
/// stopped, and no gradient of that call is added.
void backwardInShards(const std::vector<torch::Tensor> &parameters, std::size_t shards,
                      const std::function<torch::Tensor(std::size_t shard)> &shardLoss);

} // namespace rlrf::train
