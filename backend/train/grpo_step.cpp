// SPDX-License-Identifier: GPL-3.0-or-later
// Shape legend: B rows, C longest completion.
#include "train/grpo_step.h"

#include <torch/torch.h>

#include "model/llama_model.h"
#include "model/lora.h"
#include "train/sharded_backward.h"

#include <algorithm>
#include <cmath>

namespace rlrf::train {
namespace {

// Rows [first, last) of per-row values as a right-padded [B,C] tensor.
torch::Tensor padded(const std::vector<std::vector<float>> &values, std::size_t first, std::size_t last,
                     std::int64_t columns, const torch::Device &device)
{
    auto out = torch::zeros({static_cast<std::int64_t>(last - first), columns}, torch::kFloat32);
    for (std::size_t r = first; r < last; ++r) {
        const auto &row = values[r];
        if (!row.empty())
            out[static_cast<std::int64_t>(r - first)]
                .narrow(0, 0, static_cast<std::int64_t>(row.size()))
                .copy_(torch::tensor(row, torch::kFloat32));
    }
    return out.to(device);
}

// A shard's loss that is not a number: the step stops before any of it is added.
struct NonFiniteLoss {
    double loss;
};

model::TokenRows slice(const model::TokenRows &rows, std::size_t first, std::size_t last)
{
    return {rows.begin() + static_cast<std::ptrdiff_t>(first), rows.begin() + static_cast<std::ptrdiff_t>(last)};
}

} // namespace

torch::Tensor lossPrefixMask(const std::vector<std::size_t> &lengths, std::int64_t columns)
{
    auto mask = torch::zeros({static_cast<std::int64_t>(lengths.size()), columns}, torch::kBool);
    for (std::size_t b = 0; b < lengths.size(); ++b) {
        const auto n = std::min<std::int64_t>(columns, static_cast<std::int64_t>(lengths[b]));
        if (n > 0)
            mask[static_cast<std::int64_t>(b)].narrow(0, 0, n).fill_(true);
    }
    return mask;
}

std::vector<std::vector<float>> rowLogProbs(model::LlamaModelImpl &model, const GrpoRows &rows, std::size_t chunk)
{
    std::vector<std::vector<float>> out;
    for (std::size_t first = 0; first < rows.prompts.size(); first += chunk) {
        const auto last = std::min(rows.prompts.size(), first + chunk);
        auto part = model::completionLogProbsNoGrad(model, slice(rows.prompts, first, last),
                                                    slice(rows.completions, first, last));
        for (auto &row : part)
            out.push_back(std::move(row));
    }
    return out;
}

GrpoStepSums grpoBackward(model::LlamaModelImpl &policy, const GrpoRows &rows,
                          const std::vector<std::vector<float>> &oldLogProbs,
                          const std::vector<std::vector<float>> &refLogProbs, const GrpoLossOptions &options,
                          std::size_t chunk, std::size_t shards)
{
    GrpoStepSums sums;
    const auto total = rows.prompts.size();
    sums.rows = static_cast<std::int64_t>(total);
    const auto parameters = model::trainableParameters(policy);
    double maskedTokens = 0.0;
    // One shard's share of a chunk; shards of a chunk may run on threads of their own.
    struct Part {
        double loss = 0.0, tokens = 0.0, kl = 0.0, clipFraction = 0.0, ratioMean = 0.0;
    };
    for (std::size_t begin = 0; begin < total; begin += chunk) {
        const auto end = std::min(total, begin + chunk);
        const auto count = std::max<std::size_t>(1, std::min(shards, end - begin));
        std::vector<Part> parts(count);
        try {
            backwardInShards(parameters, count, [&](std::size_t s) {
                const auto [from, to] = shardRange(end - begin, count, s);
                const auto first = begin + from, last = begin + to;
                const auto current = model::completionLogProbs(policy, slice(rows.prompts, first, last),
                                                               slice(rows.completions, first, last));
                const auto columns = current.logProbs.size(1);
                const auto device = current.logProbs.device();
                const std::vector<std::size_t> lengths(rows.lossLengths.begin() + static_cast<std::ptrdiff_t>(first),
                                                       rows.lossLengths.begin() + static_cast<std::ptrdiff_t>(last));
                const std::vector<double> adv(rows.advantages.begin() + static_cast<std::ptrdiff_t>(first),
                                              rows.advantages.begin() + static_cast<std::ptrdiff_t>(last));
                GrpoLossInputs inputs{current.logProbs, padded(oldLogProbs, first, last, columns, device),
                                      padded(refLogProbs, first, last, columns, device),
                                      torch::tensor(adv, torch::kFloat32).to(device),
                                      lossPrefixMask(lengths, columns).to(device) & current.mask};
                const auto out = grpoLoss(inputs, options);
                auto &part = parts[s];
                part.loss = out.loss.item<double>();
                if (!std::isfinite(part.loss))
                    throw NonFiniteLoss{part.loss};
                part.tokens = inputs.lossMask.sum().item<double>();
                part.kl = out.kl * part.tokens;
                part.clipFraction = out.clipFraction * part.tokens;
                part.ratioMean = out.ratioMean * part.tokens;
                const double share = static_cast<double>(last - first) / static_cast<double>(total);
                part.loss *= share;
                return out.loss * share;
            });
        } catch (const NonFiniteLoss &e) {
            sums.finite = false;
            sums.loss = e.loss;
            return sums;
        }
        for (const auto &part : parts) {
            sums.loss += part.loss;
            sums.kl += part.kl;
            sums.clipFraction += part.clipFraction;
            sums.ratioMean += part.ratioMean;
            maskedTokens += part.tokens;
        }
        for (std::size_t r = begin; r < end; ++r)
            sums.tokens += static_cast<std::int64_t>(rows.prompts[r].size() + rows.completions[r].size());
    }
    if (maskedTokens > 0) {
        sums.kl /= maskedTokens;
        sums.clipFraction /= maskedTokens;
        sums.ratioMean /= maskedTokens;
    }
    return sums;
}

} // namespace rlrf::train
