// SPDX-License-Identifier: GPL-3.0-or-later
// Shape legend: B rows, C longest completion.
#include "train/grpo_step.h"

#include <torch/torch.h>

#include "model/llama_model.h"

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
                          std::size_t chunk)
{
    GrpoStepSums sums;
    const auto total = rows.prompts.size();
    sums.rows = static_cast<std::int64_t>(total);
    double maskedTokens = 0.0;
    for (std::size_t first = 0; first < total; first += chunk) {
        const auto last = std::min(total, first + chunk);
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
        const double share = static_cast<double>(last - first) / static_cast<double>(total);
        const double loss = out.loss.item<double>();
        if (!std::isfinite(loss)) {
            sums.finite = false;
            sums.loss = loss;
            return sums;
        }
        (out.loss * share).backward();
        const double chunkTokens = inputs.lossMask.sum().item<double>();
        sums.loss += loss * share;
        sums.kl += out.kl * chunkTokens;
        sums.clipFraction += out.clipFraction * chunkTokens;
        sums.ratioMean += out.ratioMean * chunkTokens;
        maskedTokens += chunkTokens;
        for (std::size_t r = first; r < last; ++r)
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
