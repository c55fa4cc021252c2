// SPDX-License-Identifier: GPL-3.0-or-later
// One micro-batch of DPO: policy log-probs of chosen and rejected in one forward,
// the preference loss against cached reference log-probs, the optional NLL term on
// chosen, and backward. Backend-internal (torch types); the trainer and the tests
// that check its gradients against a direct computation call it.
#pragma once

#include <torch/torch.h>

#include "train/dpo_loss.h"
#include "train/dpo_trainer_pairs.h"

#include <cstdint>
#include <vector>

namespace rlrf::model {
class LlamaModelImpl;
}

namespace rlrf::train {

struct DpoMicroBatch {
    std::vector<const DpoPair *> pairs;
    std::vector<double> referenceChosen;
    std::vector<double> referenceRejected;
};

// Sums over the pairs of one micro-batch; the trainer divides by the pair count.
struct DpoStepSums {
    double loss = 0;            // preference loss + nll weight * NLL, as backpropagated (unscaled)
    double rewardsChosen = 0;
    double rewardsRejected = 0;
    double rewardsAccuracies = 0;
    double logpsChosen = 0;
    double logpsRejected = 0;
    std::int64_t pairs = 0;
    std::int64_t tokens = 0;    // prompt + completion tokens of both sequences
    bool finite = true;         // false: the loss was NaN or inf and nothing was backpropagated
};

struct DpoStepOptions {
    PreferenceLossConfig loss;
    double nllWeight = 0.0;
    double gradientScale = 1.0; // this micro-batch's share of the optimizer step
    bool bf16Autocast = false; // float32 master weights, bfloat16 matrix products
    bool autocastOnCuda = false;
    std::size_t shards = 1;     // the most a micro-batch is split into (sharded_backward.h)
};

// loss = mean over pairs of preferenceLoss + nllWeight * (chosen NLL summed over
// tokens / chosen token count); backward() of gradientScale * loss.
DpoStepSums dpoMicroStep(model::LlamaModelImpl &policy, const DpoMicroBatch &batch, const DpoStepOptions &options);

} // namespace rlrf::train
