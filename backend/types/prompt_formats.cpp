// SPDX-License-Identifier: GPL-3.0-or-later
#include "types/prompt_formats.h"

namespace rlrf::prompts {

const char *const kRefineInstruction = "Rewrite the answer so that it fixes every problem the feedback names.";
const char *const kReflectRequest =
    "That answer is wrong. Reflect on what went wrong and how to avoid it. Do not give the answer yet.";
const char *const kRetryRequest = "Now try again.";

namespace {

Messages::value_type message(const char *role, const std::string &content)
{
    return {{"role", role}, {"content", content}};
}

} // namespace

Messages answerMessages(const std::string &prompt)
{
    return Messages::array({message("user", prompt)});
}

Messages refinementMessages(const std::string &prompt, const std::string &answer, const std::string &feedback)
{
    std::string text = prompt;
    text += "\n\nDraft:\n";
    text += answer;
    text += "\n\nFeedback:\n";
    text += feedback;
    text += "\n\n";
    text += kRefineInstruction;
    return Messages::array({message("user", text)});
}

Messages reflectionMessages(const std::string &prompt, const std::string &failedAttempt)
{
    return Messages::array(
        {message("user", prompt), message("assistant", failedAttempt), message("user", kReflectRequest)});
}

Messages retryMessages(const std::string &prompt, const std::string &failedAttempt, const std::string &reflection)
{
    Messages messages = reflectionMessages(prompt, failedAttempt);
    messages.push_back(message("assistant", reflection));
    messages.push_back(message("user", kRetryRequest));
    return messages;
}

} // namespace rlrf::prompts
