#include "feedback/chat_model.h"

namespace rlrf::feedback {

std::vector<std::string> ChatModel::completeBatch(const std::vector<nlohmann::json> &conversations,
                                                  const RunContext &context) const
{
    std::vector<std::string> out;
    out.reserve(conversations.size());
    for (const auto &messages : conversations) {
        if (context.stopRequested())
            break;
        out.push_back(complete(messages, &context.cancel));
    }
    return out;
}

} // namespace rlrf::feedback
