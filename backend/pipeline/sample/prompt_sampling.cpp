// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/sample/prompt_sampling.h"

#include "core/error.h"
#include "core/logging.h"
#include "model/batched_generation.h"
#include "model/text_model.h"
#include "store/candidate_repository.h"
#include "store/project_file.h"
#include "store/prompt_repository.h"
#include "store/transaction.h"

#include <nlohmann/json.hpp>

namespace rlrf::pipeline {
namespace {

std::string samplingJson(const PromptSamplingRequest &r)
{
    return nlohmann::json{{"temperature", r.temperature},
                          {"top_p", r.topP},
                          {"max_new_tokens", r.maxNewTokens},
                          {"chat", r.chat}}
        .dump();
}

} // namespace

PromptSamplingSummary samplePrompts(store::Project &project, const PromptSamplingRequest &request,
                                    const RunContext &context)
{
    if (request.samplesPerPrompt < 1)
        throw Error("samples per prompt must be at least 1", {project.path(), 0, "samples_per_prompt"});
    const std::string folder = request.modelDir.empty() ? project.info().modelDir : request.modelDir;
    const auto total = static_cast<std::int64_t>(request.promptIds.size());
    context.progress(0, total, "load model");
    const auto model = model::TextModel::load(folder);

    store::PromptRepository prompts(project.db());
    store::CandidateRepository candidates(project.db());
    model::GenerationOptions options;
    options.maxNewTokens = request.maxNewTokens;
    options.sampling.temperature = request.temperature;
    options.sampling.topP = request.topP;
    options.numSamples = request.samplesPerPrompt;
    const std::string params = samplingJson(request);

    PromptSamplingSummary summary;
    context.progress(0, total, "sample");
    // One prompt per batch, its own seed: a prompt's samples do not depend on
    // which prompts were chosen with it.
    std::vector<store::PromptRecord> chosen(request.promptIds.size());
    model::BatchSettings perPrompt;
    perPrompt.promptsPerBatch = 1;
    perPrompt.seedOfBatch = [&request](std::size_t i) { return request.seed + static_cast<std::uint64_t>(i); };
    const bool finished = model::generateInBatches(
        model, static_cast<std::size_t>(total),
        [&](std::size_t i) {
            chosen[i] = prompts.byId(request.promptIds[i]);
            return model.promptIds(chosen[i].text, request.chat);
        },
        options, perPrompt, &context.cancel,
        [&](std::size_t i, const std::vector<std::vector<std::int64_t>> &, std::vector<model::TextSample> samples) {
            store::Transaction tx(project.db());
            for (const auto &sample : samples) {
                store::CandidateRecord c;
                c.promptId = chosen[i].id;
                c.iteration = request.iteration;
                c.text = sample.text;
                c.tokenCount = static_cast<std::int64_t>(sample.ids.size());
                c.samplingParamsJson = params;
                c.seed = static_cast<std::int64_t>(perPrompt.seedOfBatch(i));
                candidates.insert(c);
                ++summary.candidates;
            }
            tx.commit();
            context.progress(static_cast<std::int64_t>(i) + 1, total, "sample");
        });
    summary.cancelled = !finished; // a cut-off generation is not a candidate
    log::get("pipeline")->info("{}: {} candidates sampled with {}{}", project.path(), summary.candidates, folder,
                               summary.cancelled ? ", cancelled" : "");
    return summary;
}

} // namespace rlrf::pipeline
