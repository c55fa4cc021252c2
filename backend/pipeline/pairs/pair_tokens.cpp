// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/pairs/pair_tokens.h"

#include "core/error.h"
#include "model/policy_prompt.h"
#include "model/text_model.h"
#include "types/flaw_location.h"
#include "types/prompt_formats.h"

namespace rlrf::pipeline {

std::vector<std::int64_t> answerIds(const model::TextModel &policy, const std::string &text)
{
    auto ids = policy.encode(text);
    ids.push_back(policy.endOfTextId());
    return ids;
}

namespace {

std::vector<std::int64_t> rejectedIds(const model::TextModel &policy, const store::PairRecord &pair,
                                      const feedback::Critique *critique)
{
    if (critique && pair.reviewState == store::ReviewState::Approved) {
        if (const auto line = feedback::firstFlawedLine(*critique)) {
            const auto prefix = feedback::firstLines(pair.rejectedText, *line);
            if (!prefix.empty() && pair.chosenText.rfind(prefix, 0) != 0)
                return policy.encode(prefix);
        }
    }
    return answerIds(policy, pair.rejectedText);
}

} // namespace

train::DpoPair pairTokens(const model::TextModel &policy, const store::PairRecord &pair, const std::string &promptText,
                          const feedback::Critique *rejectedCritique)
{
    return {model::policyPromptIds(policy, prompts::answerMessages(promptText)), answerIds(policy, pair.chosenText),
            rejectedIds(policy, pair, rejectedCritique)};
}

} // namespace rlrf::pipeline
