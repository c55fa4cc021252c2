// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/train/stored_pairs.h"

#include "pipeline/pairs/pair_tokens.h"
#include "store/critique_repository.h"
#include "store/pair_repository.h"
#include "store/prompt_repository.h"

#include <optional>

namespace rlrf::pipeline {

std::vector<StoredPair> storedPairs(store::Database &db, const model::TextModel &policy,
                                    const std::vector<std::int64_t> &pairIds, bool cutRejectedAtFlaw)
{
    store::PairRepository pairs(db);
    store::PromptRepository prompts(db);
    store::CritiqueRepository critiques(db);
    std::vector<StoredPair> out;
    out.reserve(pairIds.size());
    for (const auto id : pairIds) {
        auto pair = pairs.byId(id);
        std::optional<feedback::Critique> rejected;
        if (cutRejectedAtFlaw && pair.reviewState == store::ReviewState::Approved && pair.rejectedCritiqueId)
            rejected = critiques.byId(*pair.rejectedCritiqueId).critique;
        auto tokens = pairTokens(policy, pair, prompts.byId(pair.promptId).text, rejected ? &*rejected : nullptr);
        out.push_back({std::move(pair), std::move(tokens)});
    }
    return out;
}

} // namespace rlrf::pipeline
