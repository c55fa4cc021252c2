#include "feedback/local_chat_model.h"

#include "core/error.h"

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
    for (std::size_t start = 0; start < conversations.size(); start += m_options.batchSize) {
        if (context.stopRequested())
            break;
        const std::size_t end = std::min(conversations.size(), start + m_options.batchSize);
        std::vector<std::vector<std::int64_t>> prompts;
        for (std::size_t i = start; i < end; ++i)
            prompts.push_back(m_model.conversationIds(nlohmann::ordered_json(conversations[i]), true));
        const auto samples = m_model.generate(prompts, options, &context.cancel);
        if (context.stopRequested())
            break; // a batch cut short is not an answer
        for (const auto &s : samples)
            replies.push_back(s.text);
        context.progress(static_cast<std::int64_t>(replies.size()), static_cast<std::int64_t>(conversations.size()),
                         "generate");
    }
    return replies;
}

} // namespace rlrf::feedback
