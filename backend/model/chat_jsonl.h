// Renders a JSONL stream of conversations with a chat template, one output line per
// input line: {"messages": [...], "add_generation_prompt": bool, ...} -> {"text": "..."}.
// Other keys of an input line (tools, enable_thinking, ...) become template variables.
#pragma once

#include "model/chat_template.h"

#include <istream>
#include <ostream>
#include <string>

namespace rlrf::model {

// Throws rlrf::Error naming `inputName` and the line of a malformed record or of a
// conversation the template rejects. Returns the number of records rendered.
long renderChatJsonl(const ChatTemplate &chatTemplate, std::istream &in, const std::string &inputName,
                     std::ostream &out);

} // namespace rlrf::model
