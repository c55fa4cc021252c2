// SPDX-License-Identifier: GPL-3.0-or-later
// GRPO updates on a loaded policy, trained in place: AdamW with warm-up and
// cosine decay, the clipped GRPO loss on each row's loss tokens with KL to a
// frozen reference (grpo_loss.h), gradient clipping, and a stop at the first
// non-finite loss or gradient norm. The caller samples and scores the rows;
// Reflect-Retry-Reward (pipeline/rrr) is one such caller. Torch-free facade.
#pragma once

#include "train/grpo_rows.h"

#include <cstdint>
#include <memory>
#include <string>

namespace rlrf::model {
class TextModel;
}

namespace rlrf::train {

struct GrpoSettings {
    double learningRate = 1e-6;
    double weightDecay = 0.0;
    double warmupRatio = 0.0;
    double maxGradNorm = 1.0; // <= 0: no clipping
    double beta = 0.0;        // KL weight; 0 skips the reference pass
    double clipEpsilon = 0.2;
    std::int64_t totalSteps = 1;
    std::uint64_t seed = 0;   // seeds LibTorch when the trainer is made
    std::size_t rowsPerForward = 16;
    bool gradientCheckpointing = false; // recompute the layers in the backward pass
};

struct GrpoUpdate {
    bool finite = true;
    std::string message; // why training stopped, when not finite
    double loss = 0.0;
    double kl = 0.0;
    double clipFraction = 0.0;
    double gradNorm = 0.0;
    double learningRate = 0.0;
};

class GrpoTrainer {
public:
    /// `reference` is only read (log-probs without gradients) and may be `policy`
    /// itself when beta is 0.
    GrpoTrainer(const model::TextModel &policy, const model::TextModel &reference, const GrpoSettings &settings);
    ~GrpoTrainer();
    GrpoTrainer(const GrpoTrainer &) = delete;
    GrpoTrainer &operator=(const GrpoTrainer &) = delete;

    /// The rows of a freshly sampled batch: their old-policy and reference
    /// log-probs are taken now, before any update on them.
    void setBatch(GrpoRows rows);

    /// One optimizer step on the current batch at 0-based schedule step `step`.
    /// A batch without rows takes no optimizer step (nothing to learn from).
    GrpoUpdate update(std::int64_t step);

    /// The AdamW state (moments and step counts), for a run that continues
    /// later from a checkpoint of the policy: with the weights it is all a
    /// resumed run needs to take the same steps an uninterrupted one takes.
    void saveOptimizer(const std::string &file) const;
    /// Throws rlrf::Error naming the file when it cannot be read.
    void loadOptimizer(const std::string &file);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace rlrf::train
