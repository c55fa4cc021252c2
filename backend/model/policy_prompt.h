// SPDX-License-Identifier: GPL-3.0-or-later
// Token ids of a conversation (prompt_formats.h) for the policy: through the
// model's chat template when it has one, with the generation prompt; otherwise as
// plain text ("User: ...\nAssistant: ..." turns, ending with "Assistant:"), so a
// base model without a template can still take part. Torch-free.
#pragma once

#include "types/prompt_formats.h"

#include <cstdint>
#include <vector>

namespace rlrf::model {

class TextModel;

std::vector<std::int64_t> policyPromptIds(const TextModel &model, const prompts::Messages &messages);

/// The plain-text rendering used without a chat template.
std::string plainConversation(const prompts::Messages &messages);

} // namespace rlrf::model
