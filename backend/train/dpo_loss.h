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
PreferenceLossOutput preferenceLoss(const torch::Tensor &policyChosen, const torch::Tensor &policyRejected,
                                    const torch::Tensor &referenceChosen, const torch::Tensor &referenceRejected,
                                    const PreferenceLossConfig &config);

} // namespace rlrf::train
