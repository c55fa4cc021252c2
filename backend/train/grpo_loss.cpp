// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/grpo_loss.h"

#include <torch/torch.h>

#include "core/error.h"

#include <algorithm>

namespace rlrf::train {

namespace {

void checkShapes(const GrpoLossInputs &in, bool needReference)
{
    const auto shape = in.logProbs.sizes();
    auto same = [&shape](const torch::Tensor &t) { return t.defined() && t.sizes() == shape; };
    if (in.logProbs.dim() != 2 || !same(in.oldLogProbs) || !same(in.lossMask)
        || (needReference && !same(in.refLogProbs)))
        throw Error("GRPO loss: log-probs, old log-probs, reference log-probs and mask must all be [B,C]");
    if (!in.advantages.defined() || in.advantages.dim() != 1 || in.advantages.size(0) != shape[0])
        throw Error("GRPO loss: advantages must be [B] with one value per row");
}

} // namespace

GrpoLossOutput grpoLoss(const GrpoLossInputs &in, const GrpoLossOptions &options)
{
    checkShapes(in, options.beta > 0.0);
    const auto mask = in.lossMask.to(in.logProbs.scalar_type());            // [B,C]
    const auto tokens = mask.sum(1).clamp_min(1.0);                          // [B]
    // Differences are taken only inside the mask (0 outside), so a value outside
    // it — even inf — never reaches exp() and its gradient is exactly 0.
    const auto zero = torch::zeros_like(in.logProbs);
    const auto logRatio = torch::where(in.lossMask, in.logProbs - in.oldLogProbs.detach(), zero);
    const auto ratio = torch::exp(logRatio);                                 // [B,C]
    const auto clipped = ratio.clamp(1.0 - options.clipEpsilon, 1.0 + options.clipEpsilon);
    const auto advantage = in.advantages.to(in.logProbs.scalar_type()).unsqueeze(1); // [B,1]
    auto perToken = -torch::min(ratio * advantage, clipped * advantage);     // [B,C]
    torch::Tensor kl;
    if (options.beta > 0.0) {
        const auto diff = torch::where(in.lossMask, in.refLogProbs.detach() - in.logProbs, zero);
        kl = torch::exp(diff) - diff - 1.0;                                 // [B,C]; 0 outside the mask
        perToken = perToken + options.beta * kl;
    }
    perToken = perToken * mask;
    GrpoLossOutput out;
    out.loss = (perToken.sum(1) / tokens).mean();
    torch::NoGradGuard noGrad;
    const double total = std::max(1.0, mask.sum().item<double>());
    if (kl.defined())
        out.kl = kl.sum().item<double>() / total;
    const auto wasClipped = (ratio - clipped).abs() > 0;
    out.clipFraction = (wasClipped & in.lossMask).sum().item<double>() / total;
    out.ratioMean = (ratio * mask).sum().item<double>() / total;
    return out;
}

} // namespace rlrf::train
