// DPO and its variants as pure functions of sequence log-probabilities (summed over
// the completion tokens). Backend-internal: uses torch types.
#pragma once

#include "types/training_choices.h"

#include <torch/torch.h>

#include <string>

namespace rlrf::train {


struct PreferenceLossConfig {
    PreferenceLoss type = PreferenceLoss::Sigmoid;
    double beta = 0.1;
    double labelSmoothing = 0.0; // conservative DPO (sigmoid only)
};

struct PreferenceLossOutput {
    torch::Tensor losses;          // per pair, differentiable
    torch::Tensor chosenRewards;   // beta * (policy - reference) on chosen, detached
    torch::Tensor rejectedRewards; // the same on rejected, detached
};

// With h = (pc - rc) - (pr - rr):
//   sigmoid: -(1 - ls) log σ(β h) - ls log σ(-β h)   (Rafailov et al.; TRL's "sigmoid")
//   ipo:     (h - 1 / (2β))²                          (Azar et al.; TRL's "ipo")
//   hinge:   max(0, 1 - β h)                          (SLiC; TRL's "hinge")
// and with c = pc - rc, r = pr - rr the anchored losses (D'Oosterlinck et al. 2024, APO),
// which say where each answer's likelihood goes rather than only their gap:
//   apo_zero: (1 - σ(β c)) + σ(β r)     chosen up, rejected down: for chosen answers
//                                       better than what the model writes (TRL's "apo_zero")
//   apo_down: σ(β c) + (1 - σ(β h))     both down, rejected more: for chosen answers
//                                       no better than the model's own (TRL's "apo_down")
PreferenceLossOutput preferenceLoss(const torch::Tensor &policyChosen, const torch::Tensor &policyRejected,
                                    const torch::Tensor &referenceChosen, const torch::Tensor &referenceRejected,
                                    const PreferenceLossConfig &config);

} // namespace rlrf::train
