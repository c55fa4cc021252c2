// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/pairs/pair_tokens.h"

#include "core/error.h"
#include "model/policy_prompt.h"
#include "model/text_model.h"
#include "store/critique_repository.h"
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

std::vector<std::int64_t> rejectedIds(store::Database &db, const model::TextModel &policy,
                                      const store::PairRecord &pair, bool cutRejectedAtFlaw)
{
    if (cutRejectedAtFlaw && pair.reviewState == store::ReviewState::Approved && pair.rejectedCritiqueId) {
        const auto critique = store::CritiqueRepository(db).byId(*pair.rejectedCritiqueId).critique;
        if (const auto line = feedback::firstFlawedLine(critique)) {
            const auto prefix = feedback::firstLines(pair.rejectedText, *line);
            if (!prefix.empty() && pair.chosenText.rfind(prefix, 0) != 0)
                return policy.encode(prefix);
        }
    }
    return answerIds(policy, pair.rejectedText);
}

} // namespace

train::DpoPair pairTokens(store::Database &db, const model::TextModel &policy, const store::PairRecord &pair,
                          const std::string &promptText, bool cutRejectedAtFlaw)
{
    return {model::policyPromptIds(policy, prompts::answerMessages(promptText)), answerIds(policy, pair.chosenText),
            rejectedIds(db, policy, pair, cutRejectedAtFlaw)};
}

} // namespace rlrf::pipeline
