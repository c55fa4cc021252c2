// SPDX-License-Identifier: GPL-3.0-or-later
// Conversations in, samples out: renders prompt_formats conversations for the
// policy (policy_prompt.h), generates in chunks of a bounded number of prompts
// and returns every sample with the prompt ids it continued. A model without a
// chat template talks in plain "User:/Assistant:" turns, so a new "User:" turn
// ends a sample there. Torch-free; call from the backend thread.
#pragma once

#include "core/cancel_token.h"
#include "model/text_model.h"
#include "types/prompt_formats.h"

#include <cstdint>
#include <vector>

namespace rlrf::rrr {

struct Sample {
    std::vector<std::int64_t> promptIds;
    std::vector<std::int64_t> ids; // generated ids (with the end-of-turn id when it ended the text)
    std::string text;
};

struct SampleRequest {
    std::int64_t perConversation = 1;
    double temperature = 0.0; // 0 = greedy
    std::int64_t maxNewTokens = 64;
    std::uint64_t seed = 0;
};

class PolicySampler {
public:
    /// `generationBatch`: prompts per generation call (bounds memory).
    PolicySampler(const model::TextModel &model, std::int64_t generationBatch);

    const model::TextModel &model() const { return m_model; }
    std::vector<std::int64_t> promptIds(const prompts::Messages &conversation) const;

    /// request.perConversation samples per conversation, conversation by
    /// conversation. Returns fewer (possibly none) when `cancel` stops it.
    std::vector<Sample> sample(const std::vector<prompts::Messages> &conversations, const SampleRequest &request,
                               const CancelToken *cancel = nullptr) const;

private:
    const model::TextModel &m_model;
    std::int64_t m_generationBatch;
};

} // namespace rlrf::rrr
