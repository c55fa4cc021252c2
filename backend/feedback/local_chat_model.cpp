#include "feedback/local_chat_model.h"

#include "core/error.h"
#include "model/batched_generation.h"

#include <algorithm>

namespace rlrf::feedback {

LocalChatModel::LocalChatModel(model::TextModel model, LocalChatOptions options)
    : m_model(std::move(model))
    , m_options(options)
{
    m_model.chatTemplate(); // fail now, with the folder named, if there is none
}

std::string LocalChatModel::id() const
{
    return "model:" + m_model.folder();
}

std::string LocalChatModel::complete(const nlohmann::json &messages, const CancelToken *cancel) const
{
    RunContext context;
    if (cancel)
        context.cancel = *cancel;
    const auto replies = completeBatch({messages}, context);
    if (replies.empty())
        throw Error(id() + ": cancelled");
    return replies.front();
}

std::vector<std::string> LocalChatModel::completeBatch(const std::vector<nlohmann::json> &conversations,
                                                       const RunContext &context) const
{
    model::GenerationOptions options;
    options.maxNewTokens = m_options.maxNewTokens;
    options.sampling.temperature = m_options.temperature;
    options.seed = m_options.seed;
    std::vector<std::string> replies;
    replies.reserve(conversations.size());
    model::BatchSettings batches;
    batches.promptsPerBatch = m_options.batchSize;
    model::generateInBatches(
        m_model, conversations.size(),
        [&](std::size_t i) { return m_model.conversationIds(nlohmann::ordered_json(conversations[i]), true); },
        options, batches, &context.cancel,
        [&](std::size_t, const std::vector<std::vector<std::int64_t>> &, std::vector<model::TextSample> samples) {
            for (auto &s : samples)
                replies.push_back(std::move(s.text));
            context.progress(static_cast<std::int64_t>(replies.size()),
                             static_cast<std::int64_t>(conversations.size()), "generate");
        });
    return replies;
}

} // namespace rlrf::feedback
