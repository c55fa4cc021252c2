// SPDX-License-Identifier: GPL-3.0-or-later
// The GRPO objective on masked tokens (Shao et al. 2024, DeepSeekMath, eq. 3, as
// TRL's GRPOTrainer computes it): a PPO-style clipped ratio against the log-probs
// the tokens had when they were sampled, times the sequence's advantage, plus
// beta times the k3 estimate of the KL to a frozen reference (Schulman 2020,
// "Approximating KL divergence": exp(r - p) - (r - p) - 1 per token). Per-token
// terms are averaged over a row's masked tokens, then over rows. Tokens outside
// the mask contribute nothing, their gradient included.
// Backend-internal (torch). Shape legend: B rows, C completion tokens.
#pragma once

#include <torch/torch.h>

namespace rlrf::train {

struct GrpoLossOptions {
    double beta = 0.001;       // KL coefficient; 0 = no KL term
    double clipEpsilon = 0.2;  // ratio clipped to [1 - eps, 1 + eps]
};

struct GrpoLossInputs {
    torch::Tensor logProbs;    // [B,C] current policy, differentiable
    torch::Tensor oldLogProbs; // [B,C] at sampling time, no gradient
    torch::Tensor refLogProbs; // [B,C] frozen reference, no gradient (may be undefined when beta == 0)
    torch::Tensor advantages;  // [B]
    torch::Tensor lossMask;    // [B,C] bool: the tokens that carry loss
};

struct GrpoLossOutput {
    torch::Tensor loss;         // scalar
    double kl = 0.0;            // mean k3 KL over masked tokens
    double clipFraction = 0.0;  // share of masked tokens whose ratio was clipped
    double ratioMean = 1.0;     // mean ratio over masked tokens
};

/// Throws rlrf::Error when the shapes do not agree.
GrpoLossOutput grpoLoss(const GrpoLossInputs &inputs, const GrpoLossOptions &options);

} // namespace rlrf::train
