// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/sample/sample_stage.h"

#include "pipeline/run/stage_generation.h"
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

Outcome runSampleStage(const StageEnv &env, const std::vector<std::int64_t> &promptIds, std::int64_t samplesPerPrompt)
{
    const auto &o = env.options;
    // The greedy answer is the one evaluation scores: with it in the pool, pairs
    // and promising answers speak about what the model actually says, not only
    // about slips that sampling makes and greedy decoding never would.
    const std::int64_t greedy = o.greedyCandidate ? 1 : 0;
    auto work = [&](const std::vector<std::int64_t> &batch) -> BatchGeneration {
        store::PromptRepository prompts(env.project.db());
        std::vector<prompts::Messages> conversations;
        for (const auto id : batch)
            conversations.push_back(prompts::answerMessages(prompts.byId(id).text));
        const auto seed = batchSeed(o.seed, env.iteration, stages::kSample, batch.front());
        return [&env, &o, greedy, samplesPerPrompt, batch, conversations = std::move(conversations), seed]() -> BatchWriter {
            struct Drawn {
                std::vector<GeneratedAnswer> answers;
                nlohmann::json params;
            };
            std::vector<Drawn> drawn;
            auto draw = [&](const AnswerSettings &settings) {
                auto answers = generateAnswers(env, conversations, settings);
                if (!answers)
                    return false;
                drawn.push_back({std::move(*answers), storedSamplingParams(env, settings)});
                return true;
            };
            if (greedy > 0 && !draw({1, 0.0, std::nullopt, o.maxNewTokens, seed}))
                return {};
            if (samplesPerPrompt > greedy
                && !draw({samplesPerPrompt - greedy, o.temperature, o.topP, o.maxNewTokens, seed}))
                return {};
            return [&env, batch, drawn = std::move(drawn), seed]() {
                store::CandidateRepository candidates(env.project.db());
                store::StageRepository progress(env.project.db());
                for (const auto &d : drawn)
                    for (const auto &a : d.answers) {
                        store::CandidateRecord c;
                        c.promptId = batch.at(a.promptIndex);
                        c.iteration = env.iteration;
                        c.checkpointId = candidateCheckpoint(env);
                        c.text = a.text;
                        c.tokenCount = a.tokenCount;
                        c.samplingParamsJson = d.params.dump();
                        c.seed = static_cast<std::int64_t>(seed);
                        progress.record(env.key(stages::kSample), c.promptId, candidates.insert(c));
                    }
            };
        };
    };
    return runPromptBatchesSideBySide(env, stages::kSample, promptIds, work, o.batchPrompts);
}

} // namespace rlrf::pipeline
