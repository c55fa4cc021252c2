// SPDX-License-Identifier: GPL-3.0-or-later
// TRL's "conversational" dataset format, as `rlrf export --what pairs` writes it:
// the prompt is a list of chat messages ({"role", "content"}) and each completion a
// list holding one assistant message. The prompt is rendered exactly as the RLRF
// pipeline renders it for the policy (model/policy_prompt.h: the chat template
// with its generation prompt, or plain turns without one), so exported pairs train
// the same token sequences the pipeline would. Torch-free.
#pragma once

#include "core/error.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::model {
class TextModel;
}

namespace rlrf::train {

/// Token ids of a list of messages as the policy's prompt. Throws rlrf::Error
/// naming `where` and `key` for anything but a non-empty list of objects with
/// string "role" and "content".
std::vector<std::int64_t> conversationPromptIds(const model::TextModel &model, const nlohmann::json &messages,
                                                const ErrorSource &where, const char *key);

/// The text of a completion given as a list of messages: the content of its one
/// assistant message. Throws rlrf::Error naming `where` and `key` otherwise.
std::string assistantCompletion(const nlohmann::json &messages, const ErrorSource &where, const char *key);

} // namespace rlrf::train
