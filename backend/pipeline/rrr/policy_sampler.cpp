// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/rrr/policy_sampler.h"

#include "model/batched_generation.h"
#include "model/policy_prompt.h"

#include <algorithm>

namespace rlrf::rrr {

PolicySampler::PolicySampler(const model::TextModel &model, std::int64_t generationBatch)
    : m_model(model), m_generationBatch(std::max<std::int64_t>(1, generationBatch))
{
}

std::vector<std::int64_t> PolicySampler::promptIds(const prompts::Messages &conversation) const
{
    return model::policyPromptIds(m_model, conversation);
}

std::vector<Sample> PolicySampler::sample(const std::vector<prompts::Messages> &conversations,
                                          const SampleRequest &request, const CancelToken *cancel) const
{
    model::GenerationOptions options;
    options.maxNewTokens = request.maxNewTokens;
    options.numSamples = request.perConversation;
    options.sampling.temperature = request.temperature;
    if (!m_model.hasChatTemplate())
        options.stopStrings = {"\nUser:"};
    std::vector<Sample> out;
    model::BatchSettings batches;
    batches.promptsPerBatch = static_cast<std::size_t>(m_generationBatch);
    // A seed per chunk: a chunk's samples do not depend on the chunk size before it.
    batches.seedOfBatch = [&request](std::size_t first) { return request.seed * 1000003ull + first; };
    model::generateInBatches(
        m_model, conversations.size(), [&](std::size_t i) { return promptIds(conversations[i]); }, options, batches,
        cancel,
        [&out](std::size_t, const std::vector<std::vector<std::int64_t>> &prompts,
               std::vector<model::TextSample> samples) {
            for (auto &s : samples)
                out.push_back({prompts[s.promptIndex], std::move(s.ids), std::move(s.text)});
        });
    return out;
}

} // namespace rlrf::rrr
