// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/policy_prompt.h"

#include "model/text_model.h"

namespace rlrf::pipeline {

std::string plainConversation(const Messages &messages)
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

std::vector<std::int64_t> policyPromptIds(const model::TextModel &model, const Messages &messages)
{
    if (model.hasChatTemplate())
        return model.conversationIds(messages, true);
    return model.promptIds(plainConversation(messages), false);
}

} // namespace rlrf::pipeline
