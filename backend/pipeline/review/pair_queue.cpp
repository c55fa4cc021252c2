// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/review/pair_queue.h"

#include "store/critique_repository.h"
#include "store/pair_repository.h"
#include "store/prompt_repository.h"

#include <unordered_map>

namespace rlrf::review {
namespace {

// Cuts at a UTF-8 character boundary so the GUI never sees half a character.
std::string startOf(const std::string &text)
{
    if (text.size() <= kPromptStartChars)
        return text;
    std::size_t end = kPromptStartChars;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
        --end;
    return text.substr(0, end);
}

std::optional<feedback::Critique> critiqueOf(store::Database &db, std::optional<std::int64_t> id)
{
    if (!id)
        return std::nullopt;
    return store::CritiqueRepository(db).byId(*id).critique;
}

} // namespace

PairQueue readPairQueue(store::Database &db, std::optional<store::ReviewState> state)
{
    store::PairRepository pairs(db);
    store::PromptRepository prompts(db);
    PairQueue queue;
    queue.counts = pairs.countByState();
    store::PageRequest request;
    request.limit = 1000000; // the queue lists every pair; a model shows them lazily
    const auto list = pairs.page(request, state);
    queue.rows.reserve(list.size());
    // Several pairs often share a prompt: read each prompt once.
    std::unordered_map<std::int64_t, std::string> starts;
    for (const auto &pair : list) {
        auto it = starts.find(pair.promptId);
        if (it == starts.end())
            it = starts.emplace(pair.promptId, startOf(prompts.byId(pair.promptId).text)).first;
        queue.rows.push_back({pair.id, pair.reviewState, pair.gap, pair.rule, it->second});
    }
    return queue;
}

PairView readPairView(store::Database &db, std::int64_t pairId)
{
    PairView view;
    view.pair = store::PairRepository(db).byId(pairId);
    view.prompt = store::PromptRepository(db).byId(view.pair.promptId).text;
    view.chosen = critiqueOf(db, view.pair.chosenCritiqueId);
    view.rejected = critiqueOf(db, view.pair.rejectedCritiqueId);
    return view;
}

} // namespace rlrf::review
