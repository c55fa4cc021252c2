// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/policy_prompt.h"

#include "model/text_model.h"

namespace rlrf::model {

std::string plainConversation(const prompts::Messages &messages)
{
    std::string text;
    for (const auto &m : messages) {
        const std::string role = m.at("role").get<std::string>();
        text += role == "assistant" ? "Assistant: " : role == "system" ? "System: " : "User: ";
        text += m.at("content").get<std::string>();
        text += "\n";
    }
    text += "Assistant:";
    return text;
}

std::vector<std::int64_t> policyPromptIds(const TextModel &model, const prompts::Messages &messages)
{
    if (model.hasChatTemplate())
        return model.conversationIds(messages, true);
    return model.promptIds(plainConversation(messages), false);
}

} // namespace rlrf::model
