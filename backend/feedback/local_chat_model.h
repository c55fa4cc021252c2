// A local model folder as a ChatModel: conversations are rendered with the model's
// chat template and answered by batched greedy generation on the backend thread.
// Used for the language-model judge with "the policy itself" or another local model.
#pragma once

#include "feedback/chat_model.h"
#include "model/text_model.h"

namespace rlrf::feedback {

struct LocalChatOptions {
    std::int64_t maxNewTokens = 512;
    std::size_t batchSize = 8;  // conversations generated together
    double temperature = 0.0;   // judges answer greedily by default
    std::uint64_t seed = 0;
};

class LocalChatModel : public ChatModel {
public:
    LocalChatModel(model::TextModel model, LocalChatOptions options = {});

    std::string id() const override;
    std::string complete(const nlohmann::json &messages, const CancelToken *cancel) const override;
    std::vector<std::string> completeBatch(const std::vector<nlohmann::json> &conversations,
                                           const RunContext &context) const override;

private:
    model::TextModel m_model;
    LocalChatOptions m_options;
};

} // namespace rlrf::feedback
