#include "train/dpo_loss.h"

#include "core/error.h"

namespace rlrf::train {

PreferenceLossOutput preferenceLoss(const torch::Tensor &policyChosen, const torch::Tensor &policyRejected,
                                    const torch::Tensor &referenceChosen, const torch::Tensor &referenceRejected,
                                    const PreferenceLossConfig &config)
{
    if (config.beta <= 0.0)
        throw Error("beta must be positive", {"", 0, "beta"});
    const auto h = (policyChosen - referenceChosen) - (policyRejected - referenceRejected);
    const double beta = config.beta;
    PreferenceLossOutput out;
    switch (config.type) {
    case PreferenceLoss::Sigmoid: {
        const double ls = config.labelSmoothing;
        out.losses = -torch::log_sigmoid(beta * h) * (1.0 - ls) - torch::log_sigmoid(-beta * h) * ls;
        break;
    }
    case PreferenceLoss::Ipo:
        out.losses = (h - 1.0 / (2.0 * beta)).pow(2);
        break;
    case PreferenceLoss::Hinge:
        out.losses = torch::relu(1.0 - beta * h);
        break;
    case PreferenceLoss::ApoZero:
        out.losses = (1.0 - torch::sigmoid(beta * (policyChosen - referenceChosen)))
                     + torch::sigmoid(beta * (policyRejected - referenceRejected));
        break;
    case PreferenceLoss::ApoDown:
        out.losses = torch::sigmoid(beta * (policyChosen - referenceChosen)) + (1.0 - torch::sigmoid(beta * h));
        break;
    }
    out.chosenRewards = (beta * (policyChosen - referenceChosen)).detach();
    out.rejectedRewards = (beta * (policyRejected - referenceRejected)).detach();
    return out;
}

} // namespace rlrf::train
