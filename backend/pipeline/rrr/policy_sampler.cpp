// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/rrr/policy_sampler.h"

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
    const auto chunk = static_cast<std::size_t>(m_generationBatch);
    for (std::size_t start = 0; start < conversations.size(); start += chunk) {
        const auto end = std::min(conversations.size(), start + chunk);
        std::vector<std::vector<std::int64_t>> prompts;
        for (std::size_t i = start; i < end; ++i)
            prompts.push_back(promptIds(conversations[i]));
        // A seed per chunk: a chunk's samples do not depend on the chunk size before it.
        options.seed = request.seed * 1000003ull + start;
        const auto samples = m_model.generate(prompts, options, cancel);
        if (cancel && cancel->stopRequested())
            break;
        for (const auto &s : samples)
            out.push_back({prompts[s.promptIndex], s.ids, s.text});
    }
    return out;
}

} // namespace rlrf::rrr
