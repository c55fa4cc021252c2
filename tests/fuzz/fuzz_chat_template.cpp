// SPDX-License-Identifier: GPL-3.0-or-later
// The Jinja chat-template engine: parse the bytes as a template, render a short
// conversation with it. Its limits (nesting, loop iterations, output size) must
// stop a hostile template with an error, not a hang or an exhausted memory.
#include "fuzz_target.h"

#include "model/chat_template.h"

#include <nlohmann/json.hpp>

RLRF_FUZZ_TARGET(chat_template)
{
    static const auto messages = nlohmann::ordered_json::parse(
        R"([{"role":"system","content":"Be brief."},{"role":"user","content":"What is 2+3?"},)"
        R"({"role":"assistant","content":"5"},{"role":"user","content":"And 4*5?"}])");
    static const auto tokens = nlohmann::ordered_json::parse(R"({"bos_token":"<s>","eos_token":"</s>"})");
    const std::string source(reinterpret_cast<const char *>(data), size);
    RLRF_EXPECT_CLEAN_ERRORS({
        const auto chat = rlrf::model::ChatTemplate::fromSource(source, "fuzz.jinja", tokens);
        chat.render(messages, true);
    });
    return 0;
}
