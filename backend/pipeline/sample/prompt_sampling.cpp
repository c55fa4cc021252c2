// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/sample/prompt_sampling.h"

#include "core/error.h"
#include "core/logging.h"
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
    for (std::int64_t i = 0; i < total; ++i) {
        if (context.stopRequested()) {
            summary.cancelled = true;
            break;
        }
        const auto prompt = prompts.byId(request.promptIds[static_cast<size_t>(i)]);
        options.seed = request.seed + static_cast<std::uint64_t>(i);
        const auto samples = model.generate({model.promptIds(prompt.text, request.chat)}, options, &context.cancel);
        if (context.stopRequested()) { // a cut-off generation is not a candidate
            summary.cancelled = true;
            break;
        }
        store::Transaction tx(project.db());
        for (const auto &sample : samples) {
            store::CandidateRecord c;
            c.promptId = prompt.id;
            c.iteration = request.iteration;
            c.text = sample.text;
            c.tokenCount = static_cast<std::int64_t>(sample.ids.size());
            c.samplingParamsJson = params;
            c.seed = static_cast<std::int64_t>(options.seed);
            candidates.insert(c);
            ++summary.candidates;
        }
        tx.commit();
        context.progress(i + 1, total, "sample");
    }
    log::get("pipeline")->info("{}: {} candidates sampled with {}{}", project.path(), summary.candidates, folder,
                               summary.cancelled ? ", cancelled" : "");
    return summary;
}

} // namespace rlrf::pipeline
