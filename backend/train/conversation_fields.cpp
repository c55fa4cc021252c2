// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/conversation_fields.h"

#include "model/policy_prompt.h"

namespace rlrf::train {

namespace {

void checkMessages(const nlohmann::json &messages, const ErrorSource &where, const char *key)
{
    if (!messages.is_array() || messages.empty())
        throw Error("must be a non-empty list of messages", {where.file, where.line, key});
    for (const auto &message : messages) {
        if (!message.is_object())
            throw Error("every message must be an object with \"role\" and \"content\"", {where.file, where.line, key});
        for (const char *field : {"role", "content"}) {
            const auto it = message.find(field);
            if (it == message.end() || !it->is_string())
                throw Error(std::string("a message has no string \"") + field + "\"", {where.file, where.line, key});
        }
    }
}

} // namespace

std::vector<std::int64_t> conversationPromptIds(const model::TextModel &model, const nlohmann::json &messages,
                                                const ErrorSource &where, const char *key)
{
    checkMessages(messages, where, key);
    prompts::Messages ordered = prompts::Messages::array();
    for (const auto &message : messages)
        ordered.push_back({{"role", message["role"]}, {"content", message["content"]}});
    auto ids = model::policyPromptIds(model, ordered);
    if (ids.empty())
        throw Error("encodes to no tokens", {where.file, where.line, key});
    return ids;
}

std::string assistantCompletion(const nlohmann::json &messages, const ErrorSource &where, const char *key)
{
    checkMessages(messages, where, key);
    if (messages.size() != 1 || messages[0]["role"] != "assistant")
        throw Error("a completion must be exactly one message with role \"assistant\"", {where.file, where.line, key});
    return messages[0]["content"].get<std::string>();
}

} // namespace rlrf::train
