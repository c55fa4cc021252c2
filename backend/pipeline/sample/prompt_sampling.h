// SPDX-License-Identifier: GPL-3.0-or-later
// Sampling candidates for chosen prompts with a model folder and storing them:
// what the Explorer's "Sample" action runs on the backend thread. Torch-free
// facade (the model is loaded through TextModel).
#pragma once

#include "core/run_context.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::store {
class Project;
}

namespace rlrf::pipeline {

struct PromptSamplingRequest {
    std::vector<std::int64_t> promptIds;
    std::string modelDir;        // empty: the project's model folder
    int samplesPerPrompt = 4;
    double temperature = 0.8;    // 0 = greedy
    double topP = 0.95;
    std::int64_t maxNewTokens = 128;
    std::uint64_t seed = 1;      // prompt i (in request order) uses seed + i
    bool chat = false;           // wrap the prompt in the model's chat template
    int iteration = 0;           // M_i that produced the candidates
};

struct PromptSamplingSummary {
    std::int64_t candidates = 0;
    bool cancelled = false;
};

/// Loads the model once, then per prompt generates `samplesPerPrompt` answers
/// and stores them as candidates (one transaction per prompt) with their
/// sampling parameters and seed. Reports progress per prompt ("sample") and
/// stops between prompts (and between tokens) when cancelled; prompts already
/// done stay stored. Throws rlrf::Error for a missing prompt or an unusable
/// model folder, or samplesPerPrompt < 1.
PromptSamplingSummary samplePrompts(store::Project &project, const PromptSamplingRequest &request,
                                    const RunContext &context);

} // namespace rlrf::pipeline
