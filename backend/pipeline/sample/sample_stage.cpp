// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/sample/sample_stage.h"

#include "model/policy_prompt.h"
#include "model/text_model.h"
#include "store/candidate_repository.h"
#include "store/prompt_repository.h"
#include "types/prompt_formats.h"

#include <nlohmann/json.hpp>

namespace rlrf::pipeline {

std::uint64_t batchSeed(std::uint64_t runSeed, int iteration, const std::string &stage, std::int64_t firstPromptId)
{
    std::uint64_t h = 1469598103934665603ULL; // FNV-1a over the parts
    auto mix = [&h](std::uint64_t v) {
        for (int i = 0; i < 8; ++i) {
            h ^= (v >> (8 * i)) & 0xffU;
            h *= 1099511628211ULL;
        }
    };
    mix(runSeed);
    mix(static_cast<std::uint64_t>(iteration));
    for (const char c : stage)
        mix(static_cast<unsigned char>(c));
    mix(static_cast<std::uint64_t>(firstPromptId));
    return h >> 1; // stays a valid signed seed in the store
}

namespace {

model::GenerationOptions sampling(const PipelineOptions &o, std::int64_t n, double temperature, std::uint64_t seed)
{
    model::GenerationOptions g;
    g.maxNewTokens = o.maxNewTokens;
    g.sampling.temperature = temperature;
    g.sampling.topP = o.topP;
    g.numSamples = n;
    g.seed = seed;
    return g;
}

} // namespace

Outcome runSampleStage(const StageEnv &env, const std::vector<std::int64_t> &promptIds, std::int64_t samplesPerPrompt)
{
    const auto &o = env.options;
    // The greedy answer is the one evaluation scores: with it in the pool, pairs
    // and promising answers speak about what the model actually says, not only
    // about slips that sampling makes and greedy decoding never would.
    const std::int64_t greedy = o.greedyCandidate ? 1 : 0;
    auto work = [&](const std::vector<std::int64_t> &batch) -> BatchWriter {
        store::PromptRepository prompts(env.project.db());
        std::vector<std::vector<std::int64_t>> inputs;
        for (const auto id : batch)
            inputs.push_back(model::policyPromptIds(*env.policy, prompts::answerMessages(prompts.byId(id).text)));
        const auto seed = batchSeed(o.seed, env.iteration, stages::kSample, batch.front());
        struct Drawn {
            std::vector<model::TextSample> samples;
            nlohmann::json params;
        };
        std::vector<Drawn> drawn;
        if (greedy > 0) {
            auto samples = generateBatch(env, inputs, sampling(o, 1, 0.0, seed));
            if (!samples)
                return {};
            drawn.push_back({std::move(*samples), {{"temperature", 0.0}, {"max_new_tokens", o.maxNewTokens}, {"n", 1}}});
        }
        if (samplesPerPrompt > greedy) {
            auto samples = generateBatch(env, inputs, sampling(o, samplesPerPrompt - greedy, o.temperature, seed));
            if (!samples)
                return {};
            drawn.push_back({std::move(*samples),
                             {{"temperature", o.temperature},
                              {"top_p", o.topP},
                              {"max_new_tokens", o.maxNewTokens},
                              {"n", samplesPerPrompt - greedy}}});
        }
        return [&env, batch, drawn = std::move(drawn), seed]() {
            store::CandidateRepository candidates(env.project.db());
            store::StageRepository progress(env.project.db());
            for (const auto &d : drawn)
                for (const auto &s : d.samples) {
                    store::CandidateRecord c;
                    c.promptId = batch.at(s.promptIndex);
                    c.iteration = env.iteration;
                    c.checkpointId = env.checkpointId;
                    c.text = s.text;
                    c.tokenCount = static_cast<std::int64_t>(s.ids.size());
                    c.samplingParamsJson = d.params.dump();
                    c.seed = static_cast<std::int64_t>(seed);
                    progress.record(env.key(stages::kSample), c.promptId, candidates.insert(c));
                }
        };
    };
    return runPromptBatches(env, stages::kSample, promptIds, work, o.batchPrompts);
}

} // namespace rlrf::pipeline
